#include "goclaw/service/admin_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "goclaw/core/json_format.h"
#include "goclaw/core/test_temp_dir.h"
#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using ::testing::HasSubstr;

class AdminServiceTest : public testing::ServiceTest {
 protected:
  AdminServiceTest() : admin_(store_.get(), *engine_, data_.path() + "/data", &clock_) {
    std::filesystem::create_directory(data_.path() + "/data");
  }
  goclaw::testing::ScratchDir data_{"goclaw-admin"};
  AdminService admin_;
};

TEST_F(AdminServiceTest, SnapshotDirectoryMistakesSayWhatToDo) {
  const std::string base = data_.path();
  auto relative = admin_.Snapshot("backups/snap");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(relative.error().message(), "snapshot request is invalid: 1 problem");
  ASSERT_EQ(relative.error().details().size(), 1u);
  EXPECT_EQ(relative.error().details()[0].path, "dir");

  auto no_parent = admin_.Snapshot(base + "/missing/snap");
  ASSERT_FALSE(no_parent);
  EXPECT_EQ(no_parent.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(no_parent.error().message(), HasSubstr("does not exist; create it first"));

  auto inside = admin_.Snapshot(base + "/data/snap");
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(inside.error().message(), HasSubstr("inside the live data directory"));
  auto sneaky = admin_.Snapshot(base + "/other/../data/x");
  ASSERT_FALSE(sneaky);
  EXPECT_THAT(sneaky.error().message(), HasSubstr("inside the live data directory"));

  auto exists = admin_.Snapshot(base);
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code(), ErrorCode::kAlreadyExists);

  // A good directory reaches the store, and a memory store cannot snapshot.
  auto memory = admin_.Snapshot(base + "/snap/");
  ASSERT_FALSE(memory);
  EXPECT_EQ(memory.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(base + "/snap"));
}

TEST_F(AdminServiceTest, WithoutAStoreThereIsNothingToSnapshot) {
  AdminService none(nullptr, *engine_, "");
  auto r = none.Snapshot("/tmp/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message(), "this server has no store (storage.backend: memory)");
  EXPECT_EQ(CompactJson(none.DescribeStore().ToJson()), R"({"kind":"none","durable":false,"healthy":true})");
}

TEST_F(AdminServiceTest, DescribeStoreSaysWhatItIsAndHowItWrites) {
  StoreInfo info = admin_.DescribeStore();
  EXPECT_EQ(info.kind, "memory");
  EXPECT_FALSE(info.durable);
  EXPECT_TRUE(info.healthy);
  EXPECT_THAT(CompactJson(info.ToJson()),
              ::testing::MatchesRegex(R"(\{"kind":"memory","durable":false,"healthy":true,"commits":[0-9]+,"batches":[0-9]+,)"
                                      R"("failed_batches":0,"last_write_error":""\})"));
}

}  // namespace
}  // namespace goclaw::service
