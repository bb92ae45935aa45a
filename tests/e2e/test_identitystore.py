"""The identity store: the seed's §5 users and groups, with Japanese names, via boto3 and CLI."""
import json
import os
import subprocess
import unittest

import harness


class IdentityStoreTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = cls.server.client("identitystore")
        cls.store_id = cls.server.identity_store_id

    def cli(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=harness.ROOT_KEY,
                   AWS_SECRET_ACCESS_KEY=harness.ROOT_SECRET, AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        out = subprocess.run(["aws", "--endpoint-url", self.server.endpoint, "--output", "json",
                              "identitystore"] + list(args), env=env, capture_output=True,
                             text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else {}

    def test_seed_user_and_group_round_trip_via_cli(self):
        user = self.cli("create-user", "--identity-store-id", self.store_id,
                        "--user-name", "tanaka-taro",
                        "--name", "GivenName=太郎,FamilyName=田中",
                        "--display-name", "田中太郎",
                        "--emails", "Type=work,Value=tanaka@example.com")
        self.assertEqual(user["IdentityStoreId"], self.store_id)
        got = self.ids.describe_user(IdentityStoreId=self.store_id, UserId=user["UserId"])
        self.assertEqual(got["DisplayName"], "田中太郎")
        self.assertEqual(got["Name"], {"GivenName": "太郎", "FamilyName": "田中"})
        self.assertEqual(got["Emails"], [{"Type": "work", "Value": "tanaka@example.com"}])
        group = self.cli("create-group", "--identity-store-id", self.store_id,
                         "--display-name", "DataScientists",
                         "--description", "データサイエンティストグループ")
        desc = self.ids.describe_group(IdentityStoreId=self.store_id, GroupId=group["GroupId"])
        self.assertEqual(desc["Description"], "データサイエンティストグループ")
        m = self.ids.create_group_membership(IdentityStoreId=self.store_id,
                                             GroupId=group["GroupId"],
                                             MemberId={"UserId": user["UserId"]})
        res = self.ids.is_member_in_groups(IdentityStoreId=self.store_id,
                                           MemberId={"UserId": user["UserId"]},
                                           GroupIds=[group["GroupId"]])["Results"]
        self.assertTrue(res[0]["MembershipExists"])
        listed = self.ids.list_group_memberships_for_member(
            IdentityStoreId=self.store_id, MemberId={"UserId": user["UserId"]})
        self.assertEqual([x["MembershipId"] for x in listed["GroupMemberships"]],
                         [m["MembershipId"]])
        self.ids.delete_group_membership(IdentityStoreId=self.store_id,
                                         MembershipId=m["MembershipId"])
        res = self.ids.is_member_in_groups(IdentityStoreId=self.store_id,
                                           MemberId={"UserId": user["UserId"]},
                                           GroupIds=[group["GroupId"]])["Results"]
        self.assertFalse(res[0]["MembershipExists"])

    def test_lookups_filters_and_conflicts(self):
        uid = self.ids.create_user(IdentityStoreId=self.store_id, UserName="suzuki",
                                   DisplayName="鈴木花子")["UserId"]
        self.assertEqual(self.ids.get_user_id(
            IdentityStoreId=self.store_id,
            AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName",
                                                     "AttributeValue": "suzuki"}})["UserId"], uid)
        found = self.ids.list_users(IdentityStoreId=self.store_id, Filters=[
            {"AttributePath": "UserName", "AttributeValue": "suzuki"}])["Users"]
        self.assertEqual([u["UserId"] for u in found], [uid])
        err = self.assertAwsError("ConflictException", self.ids.create_user,
                                  IdentityStoreId=self.store_id, UserName="SUZUKI",
                                  DisplayName="x")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.ids.update_user(IdentityStoreId=self.store_id, UserId=uid, Operations=[
            {"AttributePath": "displayName", "AttributeValue": "鈴木 花子"},
            {"AttributePath": "name.givenName", "AttributeValue": "花子"}])
        got = self.ids.describe_user(IdentityStoreId=self.store_id, UserId=uid)
        self.assertEqual(got["DisplayName"], "鈴木 花子")
        self.assertEqual(got["Name"]["GivenName"], "花子")
        self.ids.delete_user(IdentityStoreId=self.store_id, UserId=uid)
        self.assertAwsError("ResourceNotFoundException", self.ids.describe_user,
                            IdentityStoreId=self.store_id, UserId=uid)

    def test_paging_groups(self):
        for i in range(12):
            self.ids.create_group(IdentityStoreId=self.store_id, DisplayName="チーム%02d" % i)
        names = [g["DisplayName"] for p in self.ids.get_paginator("list_groups").paginate(
            IdentityStoreId=self.store_id, PaginationConfig={"PageSize": 5}) for g in p["Groups"]]
        self.assertEqual([n for n in names if n.startswith("チーム")],
                         ["チーム%02d" % i for i in range(12)])

    def test_unknown_identity_store(self):
        self.assertAwsError("ResourceNotFoundException", self.ids.list_users,
                            IdentityStoreId="d-0000000000")


if __name__ == "__main__":
    unittest.main()
