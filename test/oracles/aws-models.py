#!/usr/bin/env python3
"""Pins the constraints of AWS's own models that the library checks against (test/aws-api-model.test.ts reads the pin).

Sources, none written here: botocore's `ssm` and `resource-groups` service models (AWS's machine-readable API models,
installed with boto3) and cfn-lint's CloudFormation resource schemas.

  python3 test/oracles/aws-models.py > test/oracles/aws-models.json   # pin the installed models
  python3 test/oracles/aws-models.py --check test/oracles/aws-models.json   # fail when they differ from the pin
"""
import json
import sys

import botocore
import botocore.session
from cfnlint.version import __version__ as cfn_lint_version
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

# The operations the library's resources and handlers call: every shape their input reaches is pinned.
SSM_OPERATIONS = [
    'AddTagsToResource', 'CancelCommand', 'CreateAssociation', 'CreateDocument', 'DescribeDocumentPermission',
    'GetCommandInvocation', 'ListCommandInvocations', 'ListCommands', 'ModifyDocumentPermission', 'SendCommand',
    'UpdateDocument', 'UpdateDocumentDefaultVersion',
    # The version report: custom inventory as the agent uploads it (PutInventory) and the queries it gives.
    'GetInventory', 'ListInventoryEntries', 'PutInventory',
    # The organization inventory: each member account's resource data sync into the central bucket.
    'CreateResourceDataSync',
]
RESOURCE_GROUPS_OPERATIONS = ['GetGroup']
# The organization rollout: StackSets and the ids of AWS Organizations.
CLOUDFORMATION_OPERATIONS = ['CreateStackSet', 'CreateStackInstances', 'UpdateStackSet']
ORGANIZATIONS_OPERATIONS = ['DescribeOrganizationalUnit', 'ListAccountsForParent', 'DescribeAccount', 'ListOrganizationalUnitsForParent']
ORGANIZATIONS_SHAPES = ['OrganizationId']
# The opt-in AWS Config rule of association compliance.
CONFIG_OPERATIONS = ['PutConfigRule']
# The organization inventory's Athena workgroup.
ATHENA_OPERATIONS = ['CreateWorkGroup']
CFN_RESOURCES = ['AWS::SSM::Association', 'AWS::SSM::Document', 'AWS::CloudFormation::StackSet', 'AWS::SSM::ResourceDataSync']
CONSTRAINTS = ('pattern', 'min', 'max', 'enum')
CFN_CONSTRAINTS = {'pattern': 'pattern', 'minLength': 'min', 'maxLength': 'max', 'minimum': 'min', 'maximum': 'max',
                   'minItems': 'min', 'maxItems': 'max', 'enum': 'enum'}


def api_shapes(service, operations, extra=()):
    model = botocore.session.get_session().get_service_model(service)
    shapes, todo = {}, [model.operation_model(op).input_shape for op in operations] + [model.shape_for(name) for name in extra]
    seen = set()
    while todo:
        shape = todo.pop()
        if shape is None or shape.name in seen:
            continue
        seen.add(shape.name)
        constraints = {k: shape.metadata[k] for k in CONSTRAINTS if k in shape.metadata}
        if constraints:
            shapes[shape.name] = constraints
        if shape.type_name == 'structure':
            todo.extend(shape.members.values())
        elif shape.type_name == 'list':
            todo.append(shape.member)
        elif shape.type_name == 'map':
            todo.extend([shape.key, shape.value])
    return dict(sorted(shapes.items()))


def cfn_properties(type_name):
    """The constrained properties, top-level by name and those of definitions as `Definition.Property`."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema('us-east-1', type_name).schema
    properties = {}
    scopes = [('', schema['properties'])] + [(f'{name}.', d.get('properties', {})) for name, d in schema.get('definitions', {}).items()]
    for prefix, members in scopes:
        for name, prop in members.items():
            constraints = {CFN_CONSTRAINTS[k]: v for k, v in prop.items() if k in CFN_CONSTRAINTS}
            if constraints:
                properties[prefix + name] = constraints
    return dict(sorted(properties.items()))


def models():
    return {
        'ssm': api_shapes('ssm', SSM_OPERATIONS),
        'resource-groups': api_shapes('resource-groups', RESOURCE_GROUPS_OPERATIONS),
        'cloudformation-api': api_shapes('cloudformation', CLOUDFORMATION_OPERATIONS),
        'organizations': api_shapes('organizations', ORGANIZATIONS_OPERATIONS, ORGANIZATIONS_SHAPES),
        'config': api_shapes('config', CONFIG_OPERATIONS),
        'athena': api_shapes('athena', ATHENA_OPERATIONS),
        'cloudformation': {name: cfn_properties(name) for name in CFN_RESOURCES},
    }


def main():
    current = models()
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        with open(sys.argv[2]) as f:
            pinned = json.load(f)
        pinned.pop('sources', None)
        if pinned == current:
            print(f'{sys.argv[2]} matches botocore {botocore.__version__} and cfn-lint {cfn_lint_version}')
            return 0
        for section in current:
            for name in sorted(set(current[section]) | set(pinned.get(section, {}))):
                now, pin = current[section].get(name), pinned.get(section, {}).get(name)
                if now != pin:
                    print(f'{section} {name}: pinned {json.dumps(pin)}, installed {json.dumps(now)}')
        print(f'the models changed: review the differences, then re-pin with {sys.argv[0]} > {sys.argv[2]}')
        return 1
    print(json.dumps({'sources': {'botocore': botocore.__version__, 'cfn-lint': cfn_lint_version}, **current}, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
