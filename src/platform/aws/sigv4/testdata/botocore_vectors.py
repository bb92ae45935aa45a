"""Regenerates botocore_vectors.txt: requests signed by botocore at a fixed time.

Run with the botocore/boto3 installed on the build machine:
    python3 botocore_vectors.py > botocore_vectors.txt
Random or machine-dependent headers (amz-sdk-invocation-id, User-Agent) are not signed, so
their values do not matter to the tests.
"""
import datetime
import io
from unittest import mock
from urllib.parse import urlsplit

import boto3
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

TIME = datetime.datetime(2024, 3, 9, 14, 5, 7)
KEY, SECRET = 'AKIAUNISTUDIOTEST01', 'uS3cr3t/Key+With/Slashes0123456789abcdEF'
TMP_KEY, TMP_SECRET, TOKEN = ('ASIAUNISTUDIOTEST02', 'tmpSecret/9876543210zyxwvuTSRQ',
                              'FwoGZXIvYXdzEBYaDK+token/with=chars')


class Captured(Exception):
    pass


def emit(name, method, url, headers, body):
    parts = urlsplit(url)
    target = parts.path + ('?' + parts.query if parts.query else '')
    print(f'=== {name}')
    print(f'{method} {target} HTTP/1.1')
    print(f'Host:{parts.netloc}')
    for key, value in headers:
        if key.lower() != 'transfer-encoding':  # the HTTP layer removes it
            print(f'{key}:{value.decode() if isinstance(value, bytes) else value}')
    print()
    if body:
        if hasattr(body, 'read'):
            body = body.read()
        print(body.decode() if isinstance(body, bytes) else body)


def client_call(name, service, call, region='us-east-1', token=None, **config):
    def capture(request, **_):
        body = request.body
        if hasattr(body, 'read'):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        # aws-chunked bodies hold CRLFs; the test builds those itself.
        emit(name, request.method, request.url, request.headers.items(),
             None if b'\r\n' in (body or b'') else body)
        raise Captured()

    client = boto3.client(service, endpoint_url=config.pop('endpoint', 'http://localhost:8750'),
                          region_name=region, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          aws_session_token=token, config=Config(**config))
    client.meta.events.register('before-send', capture)
    with mock.patch('botocore.auth.get_current_datetime', return_value=TIME):
        try:
            call(client)
        except Captured:
            pass


def signer_call(name, signer, method, url, headers=None, data=None, context=None):
    request = AWSRequest(method=method, url=url, headers=headers or {}, data=data)
    request.context.update(context or {})
    with mock.patch('botocore.auth.get_current_datetime', return_value=TIME):
        signer.add_auth(request)
    prepared = request.prepare()
    emit(name, prepared.method, prepared.url, prepared.headers.items(), prepared.body)


def presign(client):
    url = client.generate_presigned_url(
        'get_object', Params={'Bucket': 'my-bucket', 'Key': 'photos/cat pic.jpg'}, ExpiresIn=600)
    emit('s3-presigned-get-object', 'GET', url, [('User-Agent', 'curl/7.88.1')], None)
    raise Captured()


path_style = {'addressing_style': 'path'}
client_call('s3-put-object-unsigned-trailer', 's3', lambda c: c.put_object(
    Bucket='my-bucket', Key='t.txt', Body=io.BytesIO(b'Hello, aws-chunked world!' * 3),
    ChecksumAlgorithm='CRC32'), endpoint='https://s3.amazonaws.com', s3=path_style)
client_call('s3-get-object-special-key', 's3', lambda c: c.get_object(
    Bucket='my-bucket', Key='data/año 2024/report (final)+v2.csv', Range='bytes=0-99'),
    s3=path_style)
client_call('s3-list-objects-v2', 's3', lambda c: c.list_objects_v2(
    Bucket='my-bucket', Prefix='logs/2024 03/', Delimiter='/', MaxKeys=50), s3=path_style)
client_call('s3-presigned-get-object', 's3', presign, s3=path_style, signature_version='s3v4')
client_call('iam-list-users', 'iam', lambda c: c.list_users(PathPrefix='/eng/'))
client_call('glue-get-databases-session-token', 'glue', lambda c: c.get_databases(MaxResults=10),
            token='IQoJb3JpZ2luX2VjEXAMPLE/token+abc==')
client_call('datazone-get-project', 'datazone', lambda c: c.get_project(
    domainIdentifier='dzd_abc123', identifier='prj 1/x'), region='us-west-2')

creds = Credentials(KEY, SECRET)
tmp_creds = Credentials(TMP_KEY, TMP_SECRET, TOKEN)
form = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
signer_call('iam-date-header', auth.SigV4Auth(creds, 'iam', 'us-east-1'), 'POST',
            'https://iam.amazonaws.com/', dict(form, Date='set by the signer'),
            b'Action=GetUser&Version=2010-05-08')
signer_call('sts-session-token', auth.SigV4Auth(tmp_creds, 'sts', 'us-east-1'), 'POST',
            'https://sts.amazonaws.com/', form, b'Action=GetCallerIdentity&Version=2011-06-15')
signer_call('datazone-dot-segments-double-encoded', auth.SigV4Auth(creds, 'datazone', 'us-west-2'),
            'GET', 'https://datazone.us-west-2.api.aws/v2/domains/dzd_1/projects/'
            'My%20Project%2Fx/./a/../b//c?maxResults=5&nextToken=a%2Bb%3D',
            {'Content-Type': 'application/json'})
signer_call('glue-json', auth.SigV4Auth(creds, 'glue', 'eu-central-1'), 'POST',
            'https://glue.eu-central-1.amazonaws.com/',
            {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSGlue.GetDatabases'},
            b'{"MaxResults": 10}')
signer_call('s3-put-signed-payload', auth.S3SigV4Auth(creds, 's3', 'us-east-1'), 'PUT',
            'https://s3.amazonaws.com/my-bucket/dir/my%20file%2B%C3%BC~%21.txt',
            {'Content-Type': 'text/plain', 'x-amz-meta-Owner': '  Jane   Doe '}, b'hello world\n')
signer_call('s3-list-unsigned-payload', auth.S3SigV4Auth(creds, 's3', 'us-east-1'), 'GET',
            'https://s3.amazonaws.com/my-bucket?list-type=2&prefix=a%2Fb%20c&delimiter=%2F',
            context={'client_config': Config(s3={'payload_signing_enabled': False})})
signer_call('s3-dot-segments-as-sent', auth.S3SigV4Auth(creds, 's3', 'us-east-1'), 'GET',
            'https://s3.amazonaws.com/my-bucket/a/./b/../c//d')
signer_call('s3-presigned-virtual-host', auth.S3SigV4QueryAuth(creds, 's3', 'us-west-2', 3600),
            'GET', 'https://my-bucket.s3.us-west-2.amazonaws.com/photos/2024/cat%20pic.jpg'
            '?versionId=3%2Fxyz')
signer_call('s3-presigned-put-session-token',
            auth.S3SigV4QueryAuth(tmp_creds, 's3', 'us-east-1', 604800), 'PUT',
            'https://s3.amazonaws.com/my-bucket/upload.bin',
            {'Content-Type': 'application/octet-stream'})
signer_call('sts-presigned', auth.SigV4QueryAuth(creds, 'sts', 'us-east-1', 900), 'GET',
            'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15')
