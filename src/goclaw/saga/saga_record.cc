// The sagas and saga_specs tables (saga_record.h).
#include "goclaw/saga/saga_record.h"

#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

namespace goclaw::saga {
namespace {

Error Corrupt(std::string_view table, std::string_view key, std::string_view what) {
  return Error(ErrorCode::kInternal, "corrupt entry " + QuoteForMessage(key) + " in the store table " +
                                         std::string(table) + ": " + std::string(what));
}

boost::json::object StepToJson(const StepRecord& s) {
  boost::json::object o{{"id", s.id}, {"state", s.state}, {"attempts", s.attempts}, {"error", s.error},
                        {"compensation", CompensationStateName(s.compensation)},
                        {"compensation_attempts", s.compensation_attempts},
                        {"compensation_error", s.compensation_error},
                        {"compensated_at_us", s.compensated_at_us}};
  if (!s.input.is_null()) o["input"] = s.input;
  if (!s.output.is_null()) o["output"] = s.output;
  return o;
}

StepRecord StepFromJson(const boost::json::object& o) {
  StepRecord s;
  s.id = std::string(o.at("id").as_string());
  s.state = std::string(o.at("state").as_string());
  s.attempts = o.at("attempts").to_number<int>();
  s.error = std::string(o.at("error").as_string());
  if (const auto* v = o.if_contains("input")) s.input = *v;
  if (const auto* v = o.if_contains("output")) s.output = *v;
  auto c = ParseCompensationState(o.at("compensation").as_string());
  if (!c) throw std::invalid_argument("unknown compensation state");
  s.compensation = *c;
  s.compensation_attempts = o.at("compensation_attempts").to_number<int>();
  s.compensation_error = std::string(o.at("compensation_error").as_string());
  s.compensated_at_us = o.at("compensated_at_us").to_number<std::int64_t>();
  return s;
}

}  // namespace

std::vector<store::TableSpec> SagaTables() {
  store::TableSpec sagas;
  sagas.name = std::string(kSagasTable);
  sagas.column_family = "sagas";  // reserved for this module since format 1
  sagas.format_version = 1;
  sagas.describe = [](std::string_view key, std::string_view value) { return std::string(key) + " " + std::string(value); };
  store::TableSpec specs;
  specs.name = std::string(kSagaSpecsTable);
  specs.format_version = 1;
  specs.describe = sagas.describe;
  return {std::move(sagas), std::move(specs)};
}

std::string EncodeSagaRecord(const SagaRecord& r) {
  boost::json::array steps;
  for (const auto& s : r.steps) steps.emplace_back(StepToJson(s));
  boost::json::array compensated;
  for (const auto& s : r.compensated) compensated.emplace_back(s);
  return JsonText(boost::json::object{
      {"name", r.name},
      {"state", SagaStateName(r.state)},
      {"forward_id", r.forward_id},
      {"round", r.round},
      {"compensation_id", r.compensation_id},
      {"compensation_requested", r.compensation_requested},
      {"compensation_skipped", r.compensation_skipped},
      {"deadline_passed", r.deadline_passed},
      {"reason", r.reason},
      {"failed_step", r.failed_step},
      {"failure_reason", r.failure_reason},
      {"created_at_us", r.created_at_us},
      {"updated_at_us", r.updated_at_us},
      {"started_at_us", r.started_at_us},
      {"finished_at_us", r.finished_at_us},
      {"deadline_us", r.deadline_us},
      {"compensation_started_us", r.compensation_started_us},
      {"compensation_deadline_us", r.compensation_deadline_us},
      {"steps", std::move(steps)},
      {"compensated", std::move(compensated)}});
}

Result<SagaRecord> DecodeSagaRecord(std::string_view id, std::string_view value) {
  auto parsed = ParseJsonText(value, "saga record");
  if (!parsed || !parsed->is_object()) return MakeError(ErrorCode::kInternal, "expected a JSON object");
  const boost::json::object& o = parsed->get_object();
  SagaRecord r;
  r.id = std::string(id);
  try {
    r.name = std::string(o.at("name").as_string());
    auto state = ParseSagaState(o.at("state").as_string());
    if (!state) return MakeError(ErrorCode::kInternal, "unknown saga state");
    r.state = *state;
    r.forward_id = std::string(o.at("forward_id").as_string());
    r.round = o.at("round").to_number<int>();
    r.compensation_id = std::string(o.at("compensation_id").as_string());
    r.compensation_requested = o.at("compensation_requested").as_bool();
    r.compensation_skipped = o.at("compensation_skipped").as_bool();
    r.deadline_passed = o.at("deadline_passed").as_bool();
    r.reason = std::string(o.at("reason").as_string());
    r.failed_step = std::string(o.at("failed_step").as_string());
    r.failure_reason = std::string(o.at("failure_reason").as_string());
    r.created_at_us = o.at("created_at_us").to_number<std::int64_t>();
    r.updated_at_us = o.at("updated_at_us").to_number<std::int64_t>();
    r.started_at_us = o.at("started_at_us").to_number<std::int64_t>();
    r.finished_at_us = o.at("finished_at_us").to_number<std::int64_t>();
    r.deadline_us = o.at("deadline_us").to_number<std::int64_t>();
    r.compensation_started_us = o.at("compensation_started_us").to_number<std::int64_t>();
    r.compensation_deadline_us = o.at("compensation_deadline_us").to_number<std::int64_t>();
    for (const auto& s : o.at("steps").as_array()) r.steps.push_back(StepFromJson(s.as_object()));
    for (const auto& s : o.at("compensated").as_array()) r.compensated.emplace_back(s.as_string());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, e.what());
  }
  return r;
}

std::string EncodeSagaSpec(const SagaDefinition& d, const boost::json::object& input) {
  return JsonText(boost::json::object{{"definition", DefinitionToJson(d)}, {"input", input}});
}

Result<std::map<std::string, StoredSaga>> LoadSagas(store::Store& store) {
  std::map<std::string, StoredSaga> out;
  GOCLAW_ASSIGN_OR_RETURN(auto records, store.ScanAll(kSagasTable));
  GOCLAW_ASSIGN_OR_RETURN(auto specs, store.ScanAll(kSagaSpecsTable));
  std::map<std::string, std::string> spec_of;
  for (auto& e : specs) spec_of[e.key] = std::move(e.value);
  for (const auto& e : records) {
    auto r = DecodeSagaRecord(e.key, e.value);
    if (!r) return MakeError(Corrupt(kSagasTable, e.key, r.error().message()));
    auto spec = spec_of.find(e.key);
    if (spec == spec_of.end()) return MakeError(Corrupt(kSagasTable, e.key, "its saga_specs entry is missing"));
    auto parsed = ParseJsonText(spec->second, "saga spec");
    const boost::json::object* o = parsed ? parsed->if_object() : nullptr;
    if (o == nullptr || !o->contains("definition") || !o->contains("input") || !o->at("input").is_object()) {
      return MakeError(Corrupt(kSagaSpecsTable, e.key, "expected {\"definition\", \"input\"}"));
    }
    auto d = DefinitionFromJson(o->at("definition"));
    if (!d) return MakeError(Corrupt(kSagaSpecsTable, e.key, d.error().message()));
    out[e.key] = StoredSaga{std::move(*r), std::move(*d), o->at("input").get_object()};
  }
  return out;
}

}  // namespace goclaw::saga
