"""SigV4 authentication as each protocol reports it: bad secrets, unknown keys, skewed clocks,
presigned URL expiry, missing or garbled Authorization headers."""
import datetime
import time
import unittest

import requests

import harness
import raw


class SigV4Test(harness.ServerTestCase):
    def test_wrong_secret(self):
        sts = self.server.client("sts", secret="not-the-secret")
        self.assertAwsError("SignatureDoesNotMatch", sts.get_caller_identity, status=403)
        ids = self.server.client("identitystore", secret="not-the-secret")
        self.assertAwsError("InvalidSignatureException", ids.list_users,
                            IdentityStoreId=self.server.identity_store_id, status=400)

    def test_unknown_access_key(self):
        sts = self.server.client("sts", key="AKIADOESNOTEXIST0000")
        self.assertAwsError("InvalidClientTokenId", sts.get_caller_identity, status=403)
        ids = self.server.client("identitystore", key="AKIADOESNOTEXIST0000")
        self.assertAwsError("UnrecognizedClientException", ids.list_users,
                            IdentityStoreId=self.server.identity_store_id, status=400)

    def test_request_dated_twenty_minutes_ago(self):
        at = raw.utcnow() - datetime.timedelta(minutes=20)
        r = raw.query_call(self.server, "GetCallerIdentity", at=at)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("<Code>RequestTimeTooSkewed</Code>", r.text)
        # Fourteen minutes is within the allowed skew.
        at = raw.utcnow() - datetime.timedelta(minutes=14)
        r = raw.query_call(self.server, "GetCallerIdentity", at=at)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertIn("arn:aws:iam::%s:root" % self.server.account_id, r.text)

    def test_presigned_url_works_then_expires(self):
        sts = self.server.client("sts")
        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=2, HttpMethod="GET")
        ok = requests.get(url, timeout=10)
        self.assertEqual(ok.status_code, 200, ok.text)
        self.assertIn("<Arn>arn:aws:iam::%s:root</Arn>" % self.server.account_id, ok.text)
        time.sleep(3)
        expired = requests.get(url, timeout=10)
        self.assertEqual(expired.status_code, 403, expired.text)
        self.assertIn("expired", expired.text.lower())

    def test_tampered_presigned_url(self):
        url = self.server.client("sts").generate_presigned_url("get_caller_identity", HttpMethod="GET",
                                                               ExpiresIn=60)
        r = requests.get(url.replace("GetCallerIdentity", "GetCallerIdentitx"), timeout=10)
        self.assertEqual(r.status_code, 403)
        self.assertIn("SignatureDoesNotMatch", r.text)

    def test_missing_authentication(self):
        r = requests.post(self.server.endpoint + "/",
                          data="Action=GetCallerIdentity&Version=2011-06-15",
                          headers={"Content-Type": "application/x-www-form-urlencoded"},
                          timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("MissingAuthenticationToken", r.text)

    def test_incomplete_authorization_header(self):
        r = requests.post(self.server.endpoint + "/",
                          data="Action=GetCallerIdentity&Version=2011-06-15",
                          headers={"Content-Type": "application/x-www-form-urlencoded",
                                   "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
                                   "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20240101/"
                                                    "us-east-1/sts/aws4_request" % harness.ROOT_KEY},
                          timeout=10)
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("IncompleteSignature", r.text)

    def test_body_tampered_after_signing(self):
        r = raw.signed(self.server, "POST", service="sts",
                       body=b"Action=GetCallerIdentity&Version=2011-06-15",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status_code, 200)
        # Re-send the same signed headers with a different body.
        import botocore.awsrequest
        import botocore.auth
        import botocore.credentials
        req = botocore.awsrequest.AWSRequest(
            method="POST", url=self.server.endpoint + "/",
            data=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(
            harness.ROOT_KEY, harness.ROOT_SECRET), "sts", "us-east-1").add_auth(req)
        p = req.prepare()
        r = requests.post(p.url, headers=dict(p.headers),
                          data=b"Action=GetCallerIdentity&Version=2011-06-16", timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("SignatureDoesNotMatch", r.text)

    def test_regions_are_served(self):
        ident = self.server.client("sts", region="ap-northeast-1").get_caller_identity()
        self.assertEqual(ident["Account"], self.server.account_id)


if __name__ == "__main__":
    unittest.main()
