"""The CloudWatch Logs API end to end with boto3: groups, streams, PutLogEvents, GetLogEvents
paging in both directions, FilterLogEvents with patterns, and errors; and a training job's logs
read while it runs the way the SageMaker SDK's fit(logs=True) reads them."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import (SKLEARN_IMAGE, channel, classification_csv, execution_role,  # noqa: E402
                    script_job, sourcedir)

# Prints 60 numbered lines per host, 25 ms apart, on stdout and stderr alternately.
CHATTY = """
import os, sys, time
host = os.environ["SM_CURRENT_HOST"]
for i in range(60):
    stream = sys.stdout if i % 2 == 0 else sys.stderr
    print("%s line %03d" % (host, i), file=stream, flush=True)
    time.sleep(0.025)
"""


class LogsTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.server.client("logs")

    def test_groups_streams_and_events(self):
        logs = self.logs
        logs.create_log_group(logGroupName="/app/web")
        logs.create_log_group(logGroupName="/app/worker")
        self.assertAwsError("ResourceAlreadyExistsException", logs.create_log_group,
                            logGroupName="/app/web")
        groups = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["/app/web", "/app/worker"])
        self.assertTrue(groups[0]["arn"].startswith("arn:aws:logs:us-east-1:%s:log-group:/app/web"
                                                    % self.server.account_id))

        logs.create_log_stream(logGroupName="/app/web", logStreamName="host-1")
        logs.create_log_stream(logGroupName="/app/web", logStreamName="host-2")
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName="/app/web", logStreamName="host-1", logEvents=[
            {"timestamp": now + i, "message": "GET /item/%d status=%d" % (i, 500 if i % 7 == 0
                                                                            else 200)}
            for i in range(25)])
        logs.put_log_events(logGroupName="/app/web", logStreamName="host-2", logEvents=[
            {"timestamp": now + 100, "message": "ERROR disk full"}])

        # Forward paging from the head: 25 events in pages of 10, then an empty page whose
        # token repeats.
        seen, kwargs = [], {"startFromHead": True, "limit": 10}
        for _ in range(10):
            page = logs.get_log_events(logGroupName="/app/web", logStreamName="host-1", **kwargs)
            seen += [e["message"] for e in page["events"]]
            if kwargs.get("nextToken") == page["nextForwardToken"]:
                break
            kwargs["nextToken"] = page["nextForwardToken"]
        self.assertEqual(len(seen), 25)
        self.assertEqual(seen[0], "GET /item/0 status=500")
        self.assertEqual(seen[24], "GET /item/24 status=200")
        # Without startFromHead the newest events come first page-wise; backward paging
        # walks to the start.
        page = logs.get_log_events(logGroupName="/app/web", logStreamName="host-1", limit=5)
        self.assertEqual([e["message"] for e in page["events"]][-1], "GET /item/24 status=200")
        self.assertEqual(len(page["events"]), 5)
        back = logs.get_log_events(logGroupName="/app/web", logStreamName="host-1", limit=5,
                                   nextToken=page["nextBackwardToken"])
        self.assertEqual([e["message"] for e in back["events"]],
                         ["GET /item/%d status=%d" % (i, 500 if i % 7 == 0 else 200)
                          for i in range(15, 20)])

        # Filter patterns across streams.
        events = logs.filter_log_events(logGroupName="/app/web",
                                        filterPattern="status=500")["events"]
        self.assertEqual([e["message"] for e in events],
                         ["GET /item/%d status=500" % i for i in (0, 7, 14, 21)])
        events = logs.filter_log_events(logGroupName="/app/web", filterPattern="?ERROR ?full",
                                        logStreamNames=["host-2"])["events"]
        self.assertEqual([(e["logStreamName"], e["message"]) for e in events],
                         [("host-2", "ERROR disk full")])
        events = logs.filter_log_events(logGroupName="/app/web", startTime=now + 20,
                                        endTime=now + 22)["events"]
        self.assertEqual(len(events), 3)

        streams = logs.describe_log_streams(logGroupName="/app/web", orderBy="LastEventTime",
                                            descending=True)["logStreams"]
        self.assertEqual([s["logStreamName"] for s in streams], ["host-2", "host-1"])
        self.assertEqual(streams[1]["firstEventTimestamp"], now)
        self.assertEqual(streams[1]["lastEventTimestamp"], now + 24)

        logs.delete_log_stream(logGroupName="/app/web", logStreamName="host-2")
        self.assertAwsError("ResourceNotFoundException", logs.get_log_events,
                            logGroupName="/app/web", logStreamName="host-2")
        logs.delete_log_group(logGroupName="/app/worker")
        self.assertAwsError("ResourceNotFoundException", logs.describe_log_streams,
                            logGroupName="/app/worker")

    def test_training_job_logs_as_fit_reads_them(self):
        """The loop of sagemaker.session.logs_for_job: while the job runs, list the job's
        streams, and page each one with GetLogEvents(startFromHead=True) from the token it got
        last until the token repeats; once the job has ended, one last pass."""
        s3 = self.server.client("s3")
        sm = self.server.client("sagemaker")
        s3.create_bucket(Bucket="fit-logs")
        s3.put_object(Bucket="fit-logs", Key="data/d.csv", Body=classification_csv(5, seed=3))
        s3.put_object(Bucket="fit-logs", Key="code/sourcedir.tar.gz",
                      Body=sourcedir(extra={"chatty.py": CHATTY}))
        role = execution_role(self.server.client("iam"), name="FitLogsRole")
        job = "fit-logs-job"
        sm.create_training_job(**script_job(
            job, role, SKLEARN_IMAGE, "chatty.py", "s3://fit-logs/code/sourcedir.tar.gz",
            "s3://fit-logs/output", [channel("training", "s3://fit-logs/data/")], count=2))
        group = "/aws/sagemaker/TrainingJobs"
        tokens, lines, pages, polls_with_events = {}, {}, 0, 0
        ended = False
        deadline = time.time() + 120
        while True:
            status = sm.describe_training_job(TrainingJobName=job)["TrainingJobStatus"]
            last_pass = ended
            ended = status in ("Completed", "Failed", "Stopped")
            try:
                streams = self.logs.describe_log_streams(
                    logGroupName=group, logStreamNamePrefix=job + "/", orderBy="LogStreamName",
                    limit=50)["logStreams"]
            except self.logs.exceptions.ResourceNotFoundException:
                streams = []  # no group before the first job logs, as the SDK expects
            got = 0
            for stream in streams:
                name = stream["logStreamName"]
                while True:
                    kwargs = {"nextToken": tokens[name]} if name in tokens else {}
                    page = self.logs.get_log_events(logGroupName=group, logStreamName=name,
                                                    startFromHead=True, limit=7, **kwargs)
                    pages += 1
                    lines.setdefault(name, []).extend(e["message"] for e in page["events"])
                    got += len(page["events"])
                    repeated = tokens.get(name) == page["nextForwardToken"]
                    tokens[name] = page["nextForwardToken"]
                    if repeated or not page["events"]:
                        break
            polls_with_events += 1 if got else 0
            if last_pass:
                break
            self.assertLess(time.time(), deadline)
            time.sleep(0.3)
        self.assertEqual(status, "Completed")
        # One stream per host, algo-1 first by name; every line exactly once, and each of the
        # script's stdout and stderr in the order written (as with SageMaker's log driver, the
        # two pipes are read separately, so lines of one may overtake the other's).
        self.assertEqual(len(lines), 2, list(lines))
        for host, (name, got) in zip(("algo-1", "algo-2"), sorted(lines.items())):
            self.assertRegex(name, r"^%s/%s-\d{10}$" % (job, host))
            expected = ["%s line %03d" % (host, i) for i in range(60)]
            self.assertEqual(sorted(got), expected)
            for parity in (0, 1):
                self.assertEqual([line for line in got if int(line[-3:]) % 2 == parity],
                                 expected[parity::2])
        self.assertGreater(pages, 2 * (60 // 7))  # pages of at most 7 events
        self.assertGreaterEqual(polls_with_events, 2)  # read while it ran, not only at the end
        # The CLI's stream listing: newest events first; a prefix cannot be combined with it.
        newest = self.logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime",
                                                descending=True)["logStreams"]
        ours = [s for s in newest if s["logStreamName"].startswith(job + "/")]
        self.assertEqual(len(ours), 2)
        self.assertGreaterEqual(ours[0]["lastEventTimestamp"], ours[1]["lastEventTimestamp"])
        self.assertAwsError("InvalidParameterException", self.logs.describe_log_streams,
                            logGroupName=group, logStreamNamePrefix=job + "/",
                            orderBy="LastEventTime")


if __name__ == "__main__":
    unittest.main()
