"""Glue Data Quality (seed §13.3) through boto3: a CSV with known NULLs, duplicates and bad
values is uploaded and catalogued, a DQDL ruleset covering every rule type is evaluated on the
SQL engine, and each rule's PASS/FAIL and metrics are checked against the numbers computed
here from the same rows; then the ruleset and result APIs and their errors."""
import json
import re
import statistics
import time
import unittest

import botocore.exceptions

import glue_roles
import harness

BUCKET = "dq-bucket"
DATABASE = "dq_db"
TABLE = "orders"
ROLE = "GlueDataQuality"

# order_id: 7 appears twice and one is missing; customer: three missing; state: two "ZZ" and one
# missing; amount: one missing; email: two that do not look like an address. Missing values are
# written as \N, Hive's NULL in text tables.
ROWS = [
    (1, "alice", "CA", 120.5, "alice@example.com"),
    (2, "bob", "NY", 80.0, "bob@example.com"),
    (3, "carol", "TX", 640.25, "carol@example.com"),
    (4, None, "CA", 15.75, "dave@example.com"),
    (5, "erin", "NY", 990.0, "erin@example.com"),
    (6, "frank", "ZZ", 310.0, "frank@example.com"),
    (7, "grace", "CA", 45.5, "grace@example.com"),
    (8, "heidi", "TX", None, "heidi@example.com"),
    (9, "ivan", "CA", 720.0, "not-an-email"),
    (10, None, "NY", 60.0, "judy@example.com"),
    (11, "mallory", None, 505.5, "mallory@example.com"),
    (12, "niaj", "TX", 33.0, "niaj@example.com"),
    (13, "olivia", "CA", 870.0, "olivia@example.com"),
    (14, "peggy", "ZZ", 12.0, "peggy@example.com"),
    (15, "rupert", "NY", 455.0, "rupert@example.com"),
    (16, "sybil", "CA", 512.0, "sybil@example.com"),
    (17, "trent", "TX", 98.5, "trent@example"),
    (18, None, "CA", 77.0, "victor@example.com"),
    (19, "walter", "NY", 610.0, "walter@example.com"),
    (None, "alice", "CA", 250.0, "alice@example.com"),
    (21, "bob", "TX", 199.99, "bob@example.com"),
    (22, "carol", "CA", 840.0, "carol@example.com"),
    (23, "erin", "NY", 5.0, "erin@example.com"),
    (7, "grace", "CA", 45.5, "grace@example.com"),
]
COLUMNS = ["order_id", "customer", "state", "amount", "email"]

RULESET = r"""Rules = [
    RowCount = 24,
    RowCount between 30 and 100,
    ColumnCount = 5,
    IsComplete "order_id",
    Completeness "customer" >= 0.85,
    IsUnique "order_id",
    Uniqueness "state" > 0.5,
    IsPrimaryKey "order_id",
    ColumnValues "state" in ["CA", "NY", "TX"],
    ColumnValues "state" in ["CA", "NY", "TX"] with threshold > 0.8,
    ColumnValues "amount" > 0 with threshold >= 0.95,
    ColumnValues "email" matches "[a-z]+@example\.com" with threshold > 0.95,
    Mean "amount" between 300 and 400,
    Sum "amount" > 10000,
    StandardDeviation "amount" < 400,
    DistinctValuesCount "state" = 4,
    ColumnLength "state" = 2,
    CustomSql "SELECT count(*) FROM primary WHERE amount > 500" between 7 and 10,
    (IsComplete "customer") or (RowCount > 10),
    Completeness "customer" = 1.0 where "state = 'NY'"
]"""

FAILED = " does not meet the constraint requirement!"


def java_double(v):
    """A double as AWS prints it (Java's Double.toString) for the values used here."""
    return repr(float(v))


class DataQualityTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.glue = cls.server.client("glue")
        cls.iam = cls.server.client("iam")
        glue_roles.create_role(cls.iam, ROLE)
        cls.s3.create_bucket(Bucket=BUCKET)
        lines = [",".join(COLUMNS)]
        for row in ROWS:
            lines.append(",".join("\\N" if v is None else str(v) for v in row))
        cls.s3.put_object(Bucket=BUCKET, Key="raw/orders/orders.csv",
                          Body=("\n".join(lines) + "\n").encode())
        cls.glue.create_database(DatabaseInput={"Name": DATABASE})
        cls.glue.create_table(DatabaseName=DATABASE, TableInput={
            "Name": TABLE,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Columns": [{"Name": "order_id", "Type": "int"},
                            {"Name": "customer", "Type": "string"},
                            {"Name": "state", "Type": "string"},
                            {"Name": "amount", "Type": "double"},
                            {"Name": "email", "Type": "string"}],
                "Location": "s3://%s/raw/orders/" % BUCKET,
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat":
                    "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary":
                        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                    "Parameters": {"field.delim": ","}},
            }})

    # --- the numbers, computed here from ROWS ---

    @staticmethod
    def column(name, rows=ROWS):
        i = COLUMNS.index(name)
        return [r[i] for r in rows]

    @classmethod
    def completeness(cls, name, rows=ROWS):
        values = cls.column(name, rows)
        return sum(v is not None for v in values) / len(values)

    @classmethod
    def uniqueness(cls, name):
        values = [v for v in cls.column(name) if v is not None]
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        return sum(1 for c in counts.values() if c == 1) / len(values)

    @classmethod
    def compliance(cls, name, predicate):
        values = cls.column(name)
        return sum(1 for v in values if v is not None and predicate(v)) / len(values)

    def expected(self):
        amounts = [v for v in self.column("amount") if v is not None]
        states = self.column("state")
        in_list = self.compliance("state", lambda v: v in ("CA", "NY", "TX"))
        email = self.compliance("email", lambda v: re.fullmatch(r"[a-z]+@example\.com", v))
        positive = self.compliance("amount", lambda v: v > 0)
        mean, total = statistics.mean(amounts), sum(amounts)
        stddev = statistics.pstdev(amounts)
        distinct = len({s for s in states if s is not None})
        lengths = [len(s) for s in states if s is not None]
        big = sum(1 for a in amounts if a > 500)
        ny = [r for r in ROWS if r[2] == "NY"]
        customer = self.completeness("customer")
        order_id = self.completeness("order_id")
        uniq_id = self.uniqueness("order_id")
        # (rule, passes?, metrics)
        return [
            (True, {"Dataset.*.RowCount": 24}),
            (False, {"Dataset.*.RowCount": 24}),
            (True, {"Dataset.*.ColumnCount": 5}),
            (order_id == 1, {"Column.order_id.Completeness": order_id}),
            (customer >= 0.85, {"Column.customer.Completeness": customer}),
            (uniq_id == 1, {"Column.order_id.Uniqueness": uniq_id}),
            (self.uniqueness("state") > 0.5, {"Column.state.Uniqueness": self.uniqueness("state")}),
            (False, {"Column.order_id.Completeness": order_id,
                     "Column.order_id.Uniqueness": uniq_id}),
            (in_list == 1, {"Column.state.ColumnValues.Compliance": in_list}),
            (in_list > 0.8, {"Column.state.ColumnValues.Compliance": in_list}),
            (positive >= 0.95, {"Column.amount.ColumnValues.Compliance": positive}),
            (email > 0.95, {"Column.email.ColumnValues.Compliance": email}),
            (300 < mean < 400, {"Column.amount.Mean": mean}),
            (total > 10000, {"Column.amount.Sum": total}),
            (stddev < 400, {"Column.amount.StandardDeviation": stddev}),
            (distinct == 4, {"Column.state.DistinctValuesCount": distinct}),
            (all(n == 2 for n in lengths), {"Column.state.MinimumLength": min(lengths),
                                            "Column.state.MaximumLength": max(lengths)}),
            (7 < big < 10, {"Dataset.*.CustomSQL": big}),
            (True, {"Column.customer.Completeness": customer, "Dataset.*.RowCount": 24}),
            (self.completeness("customer", ny) == 1,
             {"Column.customer.Completeness": self.completeness("customer", ny)}),
        ]

    def wait_run(self, run_id):
        deadline = time.time() + 120
        while time.time() < deadline:
            run = self.glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
            if run["Status"] not in ("STARTING", "RUNNING", "STOPPING"):
                return run
            time.sleep(0.1)
        self.fail("evaluation run did not finish")

    def start(self, rulesets, **extra):
        return self.glue.start_data_quality_ruleset_evaluation_run(
            DataSource={"GlueTable": {"DatabaseName": DATABASE, "TableName": TABLE}},
            Role=ROLE, RulesetNames=rulesets, **extra)["RunId"]

    def error_code(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kwargs)
        return ctx.exception.response["Error"]["Code"], ctx.exception.response["Error"]["Message"]

    def test_ruleset_passes_and_fails_the_right_rules(self):
        self.glue.create_data_quality_ruleset(
            Name="orders-quality", Description="checks on the orders feed", Ruleset=RULESET,
            TargetTable={"DatabaseName": DATABASE, "TableName": TABLE})
        got = self.glue.get_data_quality_ruleset(Name="orders-quality")
        self.assertEqual(got["Ruleset"], RULESET)
        self.assertEqual(got["TargetTable"]["TableName"], TABLE)
        self.assertIn("CreatedOn", got)

        run_id = self.start(["orders-quality"], AdditionalRunOptions={
            "ResultsS3Prefix": "s3://%s/dq-results/" % BUCKET})
        run = self.wait_run(run_id)
        self.assertEqual(run["Status"], "SUCCEEDED", run.get("ErrorString"))
        self.assertEqual(run["RulesetNames"], ["orders-quality"])
        self.assertEqual(len(run["ResultIds"]), 1)
        result = self.glue.get_data_quality_result(ResultId=run["ResultIds"][0])
        self.assertEqual(result["RulesetName"], "orders-quality")
        self.assertEqual(result["RulesetEvaluationRunId"], run_id)
        self.assertEqual(result["DataSource"]["GlueTable"]["TableName"], TABLE)

        expected = self.expected()
        rules = result["RuleResults"]
        self.assertEqual(len(rules), len(expected))
        descriptions = [r.strip() for r in RULESET[len("Rules = ["):-1].strip().split(",\n")]
        outcomes = {True: 0, False: 0}
        for i, (rule, (passes, metrics)) in enumerate(zip(rules, expected)):
            with self.subTest(rule=rule["Description"]):
                self.assertEqual(rule["Name"], "Rule_%d" % (i + 1))
                self.assertEqual(rule["Description"], descriptions[i])
                self.assertEqual(rule["Result"], "PASS" if passes else "FAIL")
                self.assertEqual(set(rule["EvaluatedMetrics"]), set(metrics))
                for name, value in metrics.items():
                    self.assertAlmostEqual(rule["EvaluatedMetrics"][name], value, places=9)
                if passes:
                    self.assertNotIn("EvaluationMessage", rule)
                else:
                    self.assertTrue(rule["EvaluationMessage"].endswith(FAILED),
                                    rule["EvaluationMessage"])
            outcomes[passes] += 1
        # The designed mix: both outcomes occur, and the failing ones are the expected rules.
        failing = [r["Description"].split()[0] for r in rules if r["Result"] == "FAIL"]
        self.assertEqual(failing, ["RowCount", "IsComplete", "IsUnique", "Uniqueness",
                                   "IsPrimaryKey", "ColumnValues", "ColumnValues", "Sum",
                                   "Completeness"])
        self.assertEqual(rules[1]["EvaluationMessage"], "Value: 24.0" + FAILED)
        self.assertEqual(rules[3]["EvaluationMessage"],
                         "Value: %s%s" % (java_double(23 / 24), FAILED))
        self.assertAlmostEqual(result["Score"], outcomes[True] / len(expected))
        self.assertEqual(result["AggregatedMetrics"]["TotalRulesProcessed"], len(expected))
        self.assertEqual(result["AggregatedMetrics"]["TotalRulesPassed"], outcomes[True])
        self.assertEqual(result["AggregatedMetrics"]["TotalRowsProcessed"], 24)

        # The same result, as JSON under ResultsS3Prefix.
        key = "dq-results/%s.json" % result["ResultId"]
        written = json.loads(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
        self.assertEqual(written["ResultId"], result["ResultId"])
        self.assertEqual([r["Result"] for r in written["RuleResults"]],
                         [r["Result"] for r in rules])

        # Listings and batch reads see the run and its result.
        listed = self.glue.list_data_quality_results(Filter={"DataSource": {"GlueTable": {
            "DatabaseName": DATABASE, "TableName": TABLE}}})["Results"]
        self.assertIn(result["ResultId"], [r["ResultId"] for r in listed])
        runs = self.glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": {
            "GlueTable": {"DatabaseName": DATABASE, "TableName": TABLE}}})["Runs"]
        self.assertIn((run_id, "SUCCEEDED"), [(r["RunId"], r["Status"]) for r in runs])
        other = self.glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": {
            "GlueTable": {"DatabaseName": DATABASE, "TableName": "other"}}})["Runs"]
        self.assertEqual(other, [])
        batch = self.glue.batch_get_data_quality_result(
            ResultIds=[result["ResultId"], "dqresult-missing"])
        self.assertEqual([r["ResultId"] for r in batch["Results"]], [result["ResultId"]])
        self.assertEqual(batch["ResultsNotFound"], ["dqresult-missing"])
        code, _ = self.error_code(self.glue.cancel_data_quality_ruleset_evaluation_run,
                                  RunId=run_id)
        self.assertEqual(code, "InvalidInputException")

    def test_ruleset_lifecycle_and_bad_input(self):
        self.glue.create_data_quality_ruleset(Name="small", Ruleset="Rules = [ RowCount > 0 ]")
        code, _ = self.error_code(self.glue.create_data_quality_ruleset, Name="small",
                                  Ruleset="Rules = [ RowCount > 0 ]")
        self.assertEqual(code, "AlreadyExistsException")
        code, message = self.error_code(self.glue.create_data_quality_ruleset, Name="broken",
                                        Ruleset='Rules = [ IsComplete "a", Mean "b" > ]')
        self.assertEqual(code, "InvalidInputException")
        self.assertIn("line 1, column 38", message)
        code, _ = self.error_code(self.glue.create_data_quality_ruleset, Name="nowhere",
                                  Ruleset="Rules = [ RowCount > 0 ]",
                                  TargetTable={"DatabaseName": DATABASE, "TableName": "nope"})
        self.assertEqual(code, "InvalidInputException")
        code, _ = self.error_code(self.glue.get_data_quality_ruleset, Name="missing")
        self.assertEqual(code, "EntityNotFoundException")
        code, _ = self.error_code(self.glue.start_data_quality_ruleset_evaluation_run,
                                  DataSource={"GlueTable": {"DatabaseName": DATABASE,
                                                            "TableName": "no_such_table"}},
                                  Role=ROLE, RulesetNames=["small"])
        self.assertEqual(code, "EntityNotFoundException")
        code, _ = self.error_code(self.start, rulesets=["missing"])
        self.assertEqual(code, "EntityNotFoundException")
        code, _ = self.error_code(self.glue.get_data_quality_result, ResultId="dqresult-none")
        self.assertEqual(code, "EntityNotFoundException")
        code, _ = self.error_code(self.glue.get_data_quality_ruleset_evaluation_run,
                                  RunId="dqrun-none")
        self.assertEqual(code, "EntityNotFoundException")

        updated = self.glue.update_data_quality_ruleset(
            Name="small", Description="now two rules",
            Ruleset='Rules = [ RowCount > 0, IsComplete "state" ]')
        self.assertEqual(updated["Description"], "now two rules")
        code, _ = self.error_code(self.glue.update_data_quality_ruleset, Name="small",
                                  Ruleset="Rules = [ RowCount ]")
        self.assertEqual(code, "InvalidInputException")
        listed = {r["Name"]: r for r in self.glue.list_data_quality_rulesets()["Rulesets"]}
        self.assertEqual(listed["small"]["RuleCount"], 2)
        self.assertEqual(listed["small"]["Description"], "now two rules")

        run = self.wait_run(self.start(["small"]))
        self.assertEqual(run["Status"], "SUCCEEDED")
        result = self.glue.get_data_quality_result(ResultId=run["ResultIds"][0])
        self.assertEqual([r["Result"] for r in result["RuleResults"]], ["PASS", "FAIL"])
        self.assertEqual(result["Score"], 0.5)

        self.glue.delete_data_quality_ruleset(Name="small")
        code, _ = self.error_code(self.glue.get_data_quality_ruleset, Name="small")
        self.assertEqual(code, "EntityNotFoundException")
        code, _ = self.error_code(self.glue.delete_data_quality_ruleset, Name="small")
        self.assertEqual(code, "EntityNotFoundException")


    def test_client_token_and_timeout(self):
        self.glue.create_data_quality_ruleset(Name="tokened", Ruleset="Rules = [ RowCount > 0 ]")
        self.glue.create_data_quality_ruleset(Name="tokened-2", Ruleset="Rules = [ RowCount > 1 ]")
        first = self.start(["tokened"], ClientToken="dq-token-1", Timeout=30)
        self.assertEqual(self.start(["tokened"], ClientToken="dq-token-1", Timeout=30), first)
        run = self.wait_run(first)
        self.assertEqual(run["Status"], "SUCCEEDED")
        self.assertEqual(run["Timeout"], 30)
        self.assertEqual(self.start(["tokened"], ClientToken="dq-token-1"), first)
        code, message = self.error_code(self.start, rulesets=["tokened-2"],
                                        ClientToken="dq-token-1")
        self.assertEqual(code, "ConflictException", message)
        second = self.start(["tokened"], ClientToken="dq-token-2")
        self.assertNotEqual(second, first)
        self.assertEqual(self.wait_run(second)["Timeout"], 2880)
        runs = [r["RunId"] for r in self.glue.list_data_quality_ruleset_evaluation_runs()["Runs"]]
        self.assertEqual(runs.count(first), 1)
    def test_run_reads_as_its_role_which_the_caller_must_pass(self):
        self.glue.create_data_quality_ruleset(Name="rows", Ruleset="Rules = [ RowCount > 0 ]")
        glue_roles.create_role(self.iam, "DqNoRead", [
            {"Effect": "Allow", "Action": ["glue:*", "s3:ListBucket"], "Resource": "*"}])
        run = self.wait_run(self.glue.start_data_quality_ruleset_evaluation_run(
            DataSource={"GlueTable": {"DatabaseName": DATABASE, "TableName": TABLE}},
            Role="DqNoRead", RulesetNames=["rows"])["RunId"])
        self.assertEqual(run["Status"], "FAILED")
        self.assertIn("assumed-role/DqNoRead/", run["ErrorString"])
        self.assertIn("is not authorized to perform: s3:GetObject on resource: "
                      "arn:aws:s3:::%s/raw/orders/orders.csv" % BUCKET, run["ErrorString"])
        self.assertEqual(run["ResultIds"], [])
        # A caller without iam:PassRole on the role cannot start a run with it.
        glue = glue_roles.glue_user(self.server, self.iam, "dq-dev")
        code, message = self.error_code(
            glue.start_data_quality_ruleset_evaluation_run,
            DataSource={"GlueTable": {"DatabaseName": DATABASE, "TableName": TABLE}},
            Role=ROLE, RulesetNames=["rows"])
        self.assertEqual(code, "AccessDeniedException")
        self.assertIn("iam:PassRole", message)
        self.assertIn("role/" + ROLE, message)


if __name__ == "__main__":
    unittest.main()
