"""The CloudWatch Logs API end to end with boto3: groups, streams, PutLogEvents, GetLogEvents
paging in both directions, FilterLogEvents with patterns, and errors."""
import time
import unittest

import harness


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


if __name__ == "__main__":
    unittest.main()
