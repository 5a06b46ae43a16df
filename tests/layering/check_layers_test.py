"""Tests scripts/check_layers.py on small trees written for each rule (ctest: layering_test)."""
import importlib.util
import pathlib
import tempfile
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check_layers.py"
spec = importlib.util.spec_from_file_location("check_layers", SCRIPT)
check_layers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_layers)


class CheckLayersTest(unittest.TestCase):
    def tree(self, files):
        root = pathlib.Path(self.enterContext(tempfile.TemporaryDirectory()))
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        return root

    def test_the_real_tree_holds(self):
        self.assertEqual(check_layers.check(SCRIPT.parent.parent / "src" / "goclaw"), [])

    def test_an_upward_include_is_reported_with_its_line(self):
        root = self.tree({"engine/a.cc": '#include "goclaw/core/x.h"\n#include "goclaw/service/y.h"\n'})
        problems = check_layers.check(root)
        self.assertEqual(len(problems), 1)
        self.assertIn("engine/a.cc:2", problems[0])
        self.assertIn("service/", problems[0])

    def test_test_code_may_include_anything(self):
        root = self.tree({"engine/a_test.cc": '#include "goclaw/server/server.h"\n',
                          "api/grpc/test_fixture.h": '#include "goclaw/server/server.h"\n'})
        self.assertEqual(check_layers.check(root), [])

    def test_rocksdb_outside_its_adapter_is_reported(self):
        root = self.tree({"store/rocksdb_store.cc": "#include <rocksdb/db.h>\n",
                          "engine/b.cc": "#include <rocksdb/db.h>\n"})
        problems = check_layers.check(root)
        self.assertEqual(len(problems), 1)
        self.assertIn("engine/b.cc:1", problems[0])

    def test_grpc_outside_the_adapters_is_reported(self):
        root = self.tree({"api/grpc/s.cc": "#include <grpcpp/grpcpp.h>\n",
                          "service/s.cc": '#include "goclaw/v1/workflow.pb.h"\n'})
        problems = check_layers.check(root)
        self.assertEqual(len(problems), 1)
        self.assertIn("service/s.cc", problems[0])

    def test_a_core_header_naming_a_foreign_library_is_reported(self):
        root = self.tree({"dag/spec.h": "#include <yaml-cpp/yaml.h>\n",
                          "dag/spec.cc": "#include <yaml-cpp/yaml.h>\n"})
        problems = check_layers.check(root)
        self.assertEqual(len(problems), 1)
        self.assertIn("dag/spec.h:1", problems[0])

    def test_an_unknown_module_is_reported(self):
        root = self.tree({"gadgets/g.cc": "int x;\n"})
        self.assertIn("not in DESIGN.md", check_layers.check(root)[0])


if __name__ == "__main__":
    unittest.main()
