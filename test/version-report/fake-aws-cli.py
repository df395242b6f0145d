#!/usr/bin/env python3
"""A stand-in for the AWS CLI's `aws ssm list-inventory-entries`, answering as the API and the CLI do, for the tests.

The API side, from botocore's SSM model (installed with boto3, none of it ours): the operation's input members and
`MaxResults` 1 to 50; a call answers at most `MaxResults` entries (50 when left out, the most the model allows) and a
`NextToken` while more remain; an unknown token is the API's `InvalidNextToken`. botocore defines no paginator for the
operation (paginators-1.json), so, as the real CLI, this one makes one call a command and never pages by itself.

The CLI side: `--query` is JMESPath (the `jmespath` package the CLI uses); `--output text` prints as awscli's
`text.py` does for lists (a list of scalars tab-joined on one line, each nested list on its own, `None` for null, an
empty list nothing), `--output json` as its JSON formatter (indent 4). An unknown option fails as the CLI fails.

The entries come from the JSON file FAKE_AWS_INVENTORY (a list of objects); each call's parameters are appended to
FAKE_AWS_LOG as one JSON line. FAKE_AWS_EMPTY_LAST_PAGE=1 makes the call that reaches the end still return a token,
with an empty page after it, which AWS's list APIs are allowed to do.
"""
import base64
import json
import os
import sys

import botocore.session
import jmespath

OPERATION = botocore.session.get_session().get_service_model('ssm').operation_model('ListInventoryEntries')
OPTIONS = {'--instance-id': 'InstanceId', '--type-name': 'TypeName', '--max-results': 'MaxResults', '--next-token': 'NextToken'}


def fail(code, message):
    sys.stderr.write(f'\nAn error occurred ({code}) when calling the ListInventoryEntries operation: {message}\n')
    sys.exit(254)


def text(item, out):
    if isinstance(item, list):
        if not item:
            return
        if any(isinstance(e, list) for e in item):
            scalars = [e for e in item if not isinstance(e, (list, dict))]
            if scalars:
                out.append('\t'.join(str(e) for e in scalars))
            for e in item:
                if isinstance(e, (list, dict)):
                    text(e, out)
        else:
            out.append('\t'.join(str(e) for e in item))
    elif isinstance(item, dict):
        raise SystemExit('the fake prints lists and scalars only')
    else:
        out.append(str(item))


def main(argv):
    if argv[:2] != ['ssm', 'list-inventory-entries']:
        sys.stderr.write(f'the fake aws knows ssm list-inventory-entries only, got {argv[:2]}\n')
        sys.exit(252)
    params, query, output, rest = {}, None, 'json', argv[2:]
    while rest:
        option, value, rest = rest[0], (rest[1] if len(rest) > 1 else None), rest[2:]
        if value is None:
            sys.stderr.write(f'aws: error: argument {option}: expected one argument\n')
            sys.exit(252)
        if option in OPTIONS:
            params[OPTIONS[option]] = int(value) if option == '--max-results' else value
        elif option == '--query':
            query = jmespath.compile(value)
        elif option == '--output':
            output = value
        else:
            sys.stderr.write(f'\nUnknown options: {option}\n')
            sys.exit(252)
    with open(os.environ['FAKE_AWS_LOG'], 'a') as log:
        log.write(json.dumps(params) + '\n')

    members = OPERATION.input_shape.members
    for name in OPERATION.input_shape.required_members:
        if name not in params:
            fail('ValidationException', f'{name} is required')
    size_limit = members['MaxResults'].metadata
    size = params.get('MaxResults', size_limit['max'])
    if not size_limit['min'] <= size <= size_limit['max']:
        fail('ValidationException', f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: "
             f"Member must have value less than or equal to {size_limit['max']}")
    entries = json.load(open(os.environ['FAKE_AWS_INVENTORY']))
    start = 0
    if 'NextToken' in params:
        try:
            start = int(base64.b64decode(params['NextToken']).decode())
        except ValueError:
            fail('InvalidNextToken', 'The specified token is not valid.')
    page = entries[start:start + size]
    answer = {'TypeName': params['TypeName'], 'InstanceId': params['InstanceId'], 'SchemaVersion': '1.0',
              'CaptureTime': '2026-12-06T10:00:00Z', 'Entries': page}
    end = start + len(page)
    if end < len(entries) or (os.environ.get('FAKE_AWS_EMPTY_LAST_PAGE') == '1' and page and end == len(entries)):
        answer['NextToken'] = base64.b64encode(str(end).encode()).decode()
    result = query.search(answer) if query else answer
    if output == 'text':
        lines = []
        text(result, lines)
        sys.stdout.write(''.join(line + '\n' for line in lines))
    else:
        sys.stdout.write(json.dumps(result, indent=4) + '\n')


main(sys.argv[1:])
