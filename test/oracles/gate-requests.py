#!/usr/bin/env python3
"""Pins the input shapes of every call a ring's gate makes, from botocore's service models (AWS's own API models,
installed with boto3), so that the gate's fakes hold each request to them (test/rollout-rings/botocore-requests.ts).

  python3 test/oracles/gate-requests.py > test/oracles/gate-requests.json           # pin the installed models
  python3 test/oracles/gate-requests.py --check test/oracles/gate-requests.json     # fail when they differ
"""
import json
import sys

import botocore
import botocore.session

OPERATIONS = {
    'cloudwatch': ['DescribeAlarms', 'DescribeAlarmHistory'],
    'ssm': ['DescribeAssociation', 'DescribeAssociationExecutions', 'DescribeAssociationExecutionTargets'],
    'cloudformation': ['DescribeStacks'],
    'dynamodb': ['GetItem', 'PutItem'],
}
CONSTRAINTS = ('pattern', 'min', 'max')


def shapes_of(service, operations):
    model = botocore.session.get_session().get_service_model(service)
    shapes, todo = {}, [model.operation_model(op).input_shape for op in operations]
    while todo:
        shape = todo.pop()
        if shape.name in shapes:
            continue
        entry = {'type': shape.type_name, **{k: shape.metadata[k] for k in CONSTRAINTS if k in shape.metadata}}
        if getattr(shape, 'enum', None):
            entry['enum'] = list(shape.enum)
        if shape.type_name == 'structure':
            entry['members'] = {name: member.name for name, member in shape.members.items()}
            entry['required'] = list(shape.required_members)
            todo.extend(shape.members.values())
        elif shape.type_name == 'list':
            entry['member'] = shape.member.name
            todo.append(shape.member)
        shapes[shape.name] = entry
    return {
        'operations': {op: model.operation_model(op).input_shape.name for op in operations},
        'errors': sorted(shape.name for shape in model.error_shapes),
        'shapes': dict(sorted(shapes.items())),
    }


def models():
    return {
        'sources': {'botocore': botocore.__version__},
        **{service: shapes_of(service, ops) for service, ops in OPERATIONS.items()},
    }


if __name__ == '__main__':
    current = models()
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        pinned = json.load(open(sys.argv[2]))
        pinned.pop('sources', None)
        current.pop('sources', None)
        if pinned != current:
            sys.exit(f'{sys.argv[2]}: botocore\'s models of the gate\'s calls changed; re-pin and follow the difference')
        print('the gate\'s calls match the pinned botocore models')
    else:
        print(json.dumps(current, indent=1, sort_keys=True))
