import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DistributorPackage, DistributorPackageAssociation, InstanceTargets, OneTimeInstall } from '../../src';

/** Names that a plain object answers by itself; from JSON (an app's config file) each is a key of its own. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
/** What an app that reads its targets or arguments from JSON passes: every key its own, `__proto__` included. */
const fromJson = <T>(entries: Array<[string, unknown]>): T => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();
afterEach(() => {
  expect(prototypeKeys()).toEqual(before);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
});

describe('tag keys and argument names that name what a plain object has are keys like any other', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(new App(), 'Stack');
  });
  const agent = () => DistributorPackage.fromPackageName(stack, 'Agent', 'ExamplePackage');

  test('tags keyed __proto__, constructor, toString and hasOwnProperty all become targets, in order', () => {
    const tags = fromJson<Record<string, string[]>>(PROTOTYPE_NAMES.map((name) => [name, [`${name}-value`]]));
    new DistributorPackageAssociation(stack, 'Association', { distributorPackage: agent(), targets: InstanceTargets.tags(tags) });

    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', {
      Targets: PROTOTYPE_NAMES.map((name) => ({ Key: `tag:${name}`, Values: [`${name}-value`] })),
    });
  });

  test("a OneTimeInstall's sending grant is conditioned on each such tag", () => {
    const tags = fromJson<Record<string, string[]>>(PROTOTYPE_NAMES.slice(0, 4).map((name) => [name, ['on']]));
    new OneTimeInstall(stack, 'Install', { distributorPackage: agent(), targets: InstanceTargets.tags(tags) });

    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Action === 'ssm:SendCommand' && statement.Condition);
    expect(statements).toHaveLength(1);
    expect(Object.keys(statements[0].Condition.StringEquals).sort())
      .toEqual(PROTOTYPE_NAMES.map((name) => `ssm:resourceTag/${name}`).sort());
  });

  test.each(PROTOTYPE_NAMES)("an additional argument '%s' is refused for what it is, a key without SSM_", (name) => {
    const additionalArguments = fromJson<Record<string, string>>([['SSM_LEVEL', 'debug'], [name, 'x']]);

    expect(() => new DistributorPackageAssociation(stack, 'Association', {
      distributorPackage: agent(), targets: InstanceTargets.tags({ Role: ['web'] }), additionalArguments,
    })).toThrow(`Stack/Association: additionalArguments keys must start with SSM_, got '${name}'`);
  });

  test.each(PROTOTYPE_NAMES.map((name) => `SSM_${name}`))("an additional argument '%s' reaches the document", (name) => {
    const additionalArguments = fromJson<Record<string, string>>([[name, 'x']]);
    new DistributorPackageAssociation(stack, 'Association', {
      distributorPackage: agent(), targets: InstanceTargets.tags({ Role: ['web'] }), additionalArguments,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', {
      Parameters: { additionalArguments: [JSON.stringify({ [name]: 'x' })] },
    });
  });
});
