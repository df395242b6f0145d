/* eslint-disable no-bitwise */ // TypeScript's symbol and modifier flags are bit sets.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Errors, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import * as lib from '../src';
import { craftZip } from './distributor-package/craft-zip';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';
import { SSM_API } from '../src/private/aws-api-model';
import { checkPattern, checkRequiredProps, checkShape, fitsShape } from '../src/private/validation';

/*
 * Callers from JavaScript, and apps that read their props from JSON, can leave out any prop or pass null where
 * TypeScript's types would not let them. Every required prop and argument of the public API must then answer with the
 * library's synth error, naming the construct, the prop, the rule and the value, never a bare TypeError. The API is
 * read from the sources with the TypeScript compiler (as test/public-api.test.ts reads it: a fresh clone has no
 * compiled .jsii), so a construct or factory added later is walked too: if the table below has no value for one of
 * its required props, the test fails and says which to add.
 */

/** A required parameter or prop, and where the walk found it. */
interface Required {
  /** What the error names: `targets`, `targets[0].file`, `props`, `InstanceTargets.tags() tags`. */
  readonly prop: string;
  /**
   * How to get at it in the arguments: the argument's index, then property names and array indexes; `*` is the first
   * key of a map (`tags`' `{ Environment: [...] }`).
   */
  readonly at: ReadonlyArray<number | string>;
  /** An item of a list of strings (`regions[0]`), whose error names the item as its own rule says (`targets tag 'Environment' value`). */
  readonly item?: boolean;
}

/** A construct, a static factory or an instance method of the public API, with its parameters after `scope` and `id`. */
interface Callable {
  readonly label: string;
  readonly className: string;
  readonly method?: string;
  /** Whether its first two parameters are `scope` and `id`: a construct, or a factory of one (`fromPackageName`). */
  readonly scoped: boolean;
  readonly returns: string;
  readonly params: ReadonlyArray<{ readonly name: string; readonly type: ts.Type; readonly required: boolean }>;
  /** Whether it is a method of an instance (`report.nodesAtVersionQuery()`), called on a construct built from the fixtures. */
  readonly instance?: boolean;
}

const SRC = path.join(__dirname, '..', 'src', 'index.ts');
const program = ts.createProgram([SRC], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16 });
const checker = program.getTypeChecker();

function isPublic(declaration: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(declaration);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0
    && !ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal');
}

/**
 * Every public construct constructor and every static method that returns the class or an interface it implements;
 * with `instances`, every public instance method instead that has a required parameter.
 */
function publicCallables(instances = false): Callable[] {
  const module = checker.getSymbolAtLocation(program.getSourceFile(SRC)!)!;
  const callables: Callable[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (!declaration || !ts.isClassDeclaration(declaration)) {
      continue;
    }
    const className = exported.name;
    const implemented = new Set([className, ...(declaration.heritageClauses ?? [])
      .filter((clause) => clause.token === ts.SyntaxKind.ImplementsKeyword)
      .flatMap((clause) => clause.types.map((type) => type.expression.getText()))]);
    const params = (signature: ts.SignatureDeclaration) => signature.parameters.map((param) => ({
      name: param.name.getText(),
      type: checker.getTypeAtLocation(param),
      required: !param.questionToken && !param.initializer,
    }));
    const isConstruct = (lib as any)[className].prototype instanceof Construct;
    for (const member of declaration.members) {
      if (instances) {
        if (ts.isMethodDeclaration(member) && isPublic(member) && !(ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static)
          && params(member).some((param) => param.required)) {
          const method = member.name.getText();
          const returns = checker.typeToString(checker.getSignatureFromDeclaration(member)!.getReturnType());
          callables.push({ label: `${className}#${method}()`, className, method, scoped: false, returns, params: params(member), instance: true });
        }
        continue;
      }
      if (ts.isConstructorDeclaration(member) && isConstruct && isPublic(member)) {
        callables.push({ label: `new ${className}()`, className, scoped: true, returns: className, params: params(member).slice(2) });
      }
      if (ts.isMethodDeclaration(member) && isPublic(member) && ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) {
        const returns = checker.typeToString(checker.getSignatureFromDeclaration(member)!.getReturnType());
        if (!implemented.has(returns)) {
          continue; // Not a factory: OneTimeInstall.metricAll() and the like return aws-cdk-lib values.
        }
        const all = params(member);
        const scoped = all[0]?.name === 'scope';
        const method = member.name.getText();
        callables.push({ label: `${className}.${method}()`, className, method, scoped, returns, params: scoped ? all.slice(2) : all });
      }
    }
  }
  return callables.sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * The library's own structs (props, targets, rings), whose required props are walked too: interfaces whose names do
 * not start with `I` and a capital, which jsii makes behavioural interfaces (`IDistributorPackage`).
 */
function libraryInterface(type: ts.Type): boolean {
  const declaration = type.getSymbol()?.declarations?.[0];
  return !!declaration && ts.isInterfaceDeclaration(declaration) && !/^I[A-Z]/.test(declaration.name.text)
    && declaration.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`);
}

function requiredProps(type: ts.Type): ts.Symbol[] {
  return checker.getPropertiesOfType(type).filter((prop) => !(prop.flags & ts.SymbolFlags.Optional));
}

function propType(prop: ts.Symbol): ts.Type {
  return checker.getTypeOfSymbolAtLocation(prop, prop.declarations![0]);
}

/** Every required thing of a callable: each required parameter, and each required prop of the library's interfaces in it. */
function requiredOf(callable: Callable): Required[] {
  const found: Required[] = [];
  const walk = (type: ts.Type, prop: string, at: Array<number | string>) => {
    const element = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    if (element && libraryInterface(element)) {
      found.push({ prop: `${prop}[0]`, at: [...at, 0] });
      requiredProps(element).forEach((p) => {
        found.push({ prop: `${prop}[0].${p.name}`, at: [...at, 0, p.name] });
        walk(propType(p), `${prop}[0].${p.name}`, [...at, 0, p.name]);
      });
    } else if (element && element.getSymbol() && !(element.flags & ts.TypeFlags.StringLike)) {
      // A list of constructs or references (associations, instances): each item is required too.
      found.push({ prop: `${prop}[0]`, at: [...at, 0] });
    } else if (element && element.flags & ts.TypeFlags.StringLike) {
      // A list of strings (regions, account ids, a tag's values): each item is a string, never null.
      found.push({ prop: `${prop}[0]`, at: [...at, 0], item: true });
    } else if (!element && checker.getIndexInfosOfType(type).length > 0) {
      // A map of string lists (`tags`): each value's items too.
      const value = checker.getIndexInfosOfType(type)[0].type;
      if (checker.isArrayType(value)) {
        walk(value, `${prop}[*]`, [...at, '*']);
      }
    } else if (libraryInterface(type)) {
      requiredProps(type).forEach((p) => {
        const name = prop === 'props' ? p.name : `${prop}.${p.name}`;
        found.push({ prop: name, at: [...at, p.name] });
        walk(propType(p), name, [...at, p.name]);
      });
    }
  };
  callable.params.forEach((param, index) => {
    if (!param.required) {
      return;
    }
    const prop = callable.instance ? `${callable.method}() ${param.name}`
      : callable.method ? `${callable.className}.${callable.method}() ${param.name}` : param.name;
    found.push({ prop, at: [index] });
    walk(param.type, callable.method ? prop : 'props', [index]);
  });
  return found;
}

/** A valid value of each type and name the public API requires; a new one fails the test until it is added here. */
class Fixtures {
  private count = 0;
  constructor(private readonly app: App, private readonly stack: Stack, private readonly scratch: string) {}

  /**
   * A valid value for `name` of this type; `owner` is the struct or the method that has it (`RolloutRing`,
   * `PackagePlatform.of`), for a name that means different things in different places (a ring's name, a platform's).
   */
  public value(type: ts.Type, name: string, owner?: string): unknown {
    const text = checker.typeToString(type);
    const owned = owner !== undefined && Object.prototype.hasOwnProperty.call(OWNED, `${owner}.${name}`) ? OWNED[`${owner}.${name}`] : undefined;
    const fixture = owned ?? this.byName(name, text) ?? this.byType(text);
    if (fixture !== undefined) {
      return fixture;
    }
    if (checker.isArrayType(type)) {
      return [this.value(checker.getTypeArguments(type as ts.TypeReference)[0], name, owner)];
    }
    if (libraryInterface(type)) {
      const struct = type.getSymbol()!.name;
      return Object.fromEntries(requiredProps(type).map((prop) => [prop.name, this.value(propType(prop), prop.name, struct)]));
    }
    throw new Error(`no fixture for '${name}: ${text}': add a valid value for it to test/required-props.test.ts`);
  }

  private id(base: string): string {
    return `${base}${++this.count}`;
  }

  private byName(name: string, type: string): unknown {
    const strings: Record<string, unknown> = {
      packageName: 'ExampleAgent',
      version: '1.0.0',
      account: '111111111111',
      instanceId: 'i-1234567890abcdef0',
      organizationId: 'o-abcdefghij',
      packageArn: 'arn:aws:ssm:us-east-1:222222222222:document/SharedAgent',
      associationId: '11111111-2222-3333-4444-555555555555',
      expression: 'rate(1 hour)',
      groupName: 'WebServers',
      directoryPath: LINUX,
      zipPath: name === 'zipPath' ? craftZip(path.join(this.scratch, `${this.id('agent')}.zip`), [
        { name: 'install.sh', data: '#!/bin/sh\n' }, { name: 'uninstall.sh', data: '#!/bin/sh\n' },
      ]) : undefined,
      bucketName: 'example-inventory-bucket',
      bucketRegion: 'us-east-1',
      bucketPrefix: 'inventory',
      regions: ['us-east-1'],
      accounts: ['111111111111'],
      accountIds: ['111111111111'],
      organizationalUnits: ['ou-abcd-12345678'],
      instanceIds: ['i-1234567890abcdef0'],
      keys: ['Environment'],
    };
    const value = Object.prototype.hasOwnProperty.call(strings, name) ? strings[name] : undefined;
    return value !== undefined && typeof value === 'string' ? (type === 'string' ? value : undefined)
      : (type === 'string[]' ? value : undefined);
  }

  private byType(type: string): unknown {
    switch (type) {
      case 'string': return 'Example';
      case 'string[]': return ['Example'];
      case 'number': return 1;
      case 'Date': return new Date('2030-01-01T00:00:00Z');
      case 'Duration': return Duration.hours(1);
      case 'Record<string, string[]>': return { Environment: ['prod'] };
      case 'AssociationCronOptions': return { hour: '2' };
      case 'IDistributorPackage': return lib.DistributorPackage.fromPackageName(this.stack, this.id('Package'), 'ExamplePackage');
      case 'InstanceTargets': return lib.InstanceTargets.tags({ Environment: ['prod'] });
      case 'InventoryCollection': return lib.InventoryCollection.existingAssociation();
      case 'PackagePlatform': return lib.PackagePlatform.AMAZON_LINUX;
      case 'PackageFile': return lib.PackageFile.fromDirectory(LINUX);
      case 'DistributorPackageAssociation': return new lib.DistributorPackageAssociation(this.stack, this.id('Association'), {
        distributorPackage: lib.DistributorPackage.fromPackageName(this.stack, this.id('Package'), 'ExamplePackage'),
        targets: lib.InstanceTargets.tags({ Environment: ['prod'] }),
      });
      case 'OrganizationPackageBuckets': return new lib.OrganizationPackageBuckets(this.app, this.id('Buckets'),
        { account: '111111111111', organizationId: 'o-abcdefghij', regions: ['us-east-1'] });
      case 'IAutoScalingGroup': return autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this.stack, this.id('Group'), 'web');
      case 'IInstance': return { instanceId: 'i-1234567890abcdef0' };
      case 'ITopic': return new sns.Topic(this.stack, this.id('Topic'));
      case 'IGrantable': return new iam.Role(this.stack, this.id('Role'), { assumedBy: new iam.AccountRootPrincipal() });
      default: return undefined;
    }
  }
}

const LINUX = path.join(__dirname, 'fixtures', 'linux-agent');

/** The values of names that mean different things by where they are: `owner.name`, the owner a struct or a method. */
const OWNED: Record<string, unknown> = {
  // A ring's name: 1 to 32 letters, digits, - or _ (RolloutRing.name); the rollout's methods take it back.
  'RolloutRing.name': 'canary',
  'PackageRingRollout.association.ringName': 'canary',
  'PackageRingRollout.gate.ringName': 'canary',
  // A platform name as SSM Agent reports it (the os-release ID).
  'PackagePlatform.of.name': 'fedora',
  'OrganizationPackageBuckets.bucketName.region': 'us-east-1',
};
/** Constructs that make stacks of their own, and so live beside stacks rather than in one. */
const IN_APP = new Set(['OrganizationPackageBuckets']);

const callables = publicCallables();
const methods = publicCallables(true);

/** Optional props that a construct needs in the fixtures' setting (a ring rollout of a package referenced by name). */
const ALSO: Record<string, object> = {
  PackageRingRollout: { version: '1.0.0' },
};

/** Optional props that an instance needs for its methods to work (`grantOutputWrite()` needs an output bucket). */
const FOR_METHODS: Record<string, (stack: Stack) => object> = {
  DistributorPackageAssociation: (stack) => ({ outputBucket: new s3.Bucket(stack, 'Output') }),
  OneTimeInstall: (stack) => ({ outputBucket: new s3.Bucket(stack, 'Output') }),
};

/** The arguments of a callable, each required one valid. */
function argumentsOf(callable: Callable, fixtures: Fixtures): unknown[] {
  const owner = callable.method ? `${callable.className}.${callable.method}` : callable.className;
  const args = callable.params.map((param) => (param.required ? fixtures.value(param.type, param.name, owner) : undefined));
  if (!callable.method && ALSO[callable.className]) {
    args[0] = { ...ALSO[callable.className], ...args[0] as object };
  }
  return args;
}

/** The arguments with the value at `at` set to `value` (undefined: left out). */
function without(args: unknown[], at: ReadonlyArray<number | string>, value: undefined | null): unknown[] {
  const copy = structuredCloneShallow(args) as any;
  let holder = copy;
  for (const step of at.slice(0, -1)) {
    const key = step === '*' ? Object.keys(holder)[0] : step;
    holder[key] = structuredCloneShallow(holder[key]);
    holder = holder[key];
  }
  const last = at[at.length - 1];
  if (value === undefined && !Array.isArray(holder)) {
    delete holder[last];
  } else {
    holder[last] = value;
  }
  return copy;
}

/** A copy of an array or plain object, one level deep; anything else as it is. */
function structuredCloneShallow(value: unknown): unknown {
  if (Array.isArray(value)) {
    return [...value];
  }
  return value && Object.getPrototypeOf(value) === Object.prototype ? { ...value } : value;
}

/**
 * For a factory without a scope, the construct that receives its value and reports its checks: the first construct
 * (by name) with a required or optional prop of that type, at any depth the walk reaches.
 */
function receiverOf(returns: string): { callable: Callable; at: Array<number | string> } | undefined {
  for (const callable of callables.filter((c) => !c.method)) {
    const search = (type: ts.Type, at: Array<number | string>, depth: number): Array<number | string> | undefined => {
      if (depth > 3) {
        return undefined;
      }
      if (checker.isArrayType(type)) {
        return search(checker.getTypeArguments(type as ts.TypeReference)[0], [...at, 0], depth + 1);
      }
      const nonNull = checker.getNonNullableType(type);
      if (checker.typeToString(nonNull) === returns) {
        return at;
      }
      if (libraryInterface(nonNull)) {
        for (const prop of checker.getPropertiesOfType(nonNull)) {
          const found = search(propType(prop), [...at, prop.name], depth + 1);
          if (found) {
            return found;
          }
        }
      }
      return undefined;
    };
    for (const [index, param] of callable.params.entries()) {
      const found = search(param.type, [index], 0);
      if (found) {
        return { callable, at: found };
      }
    }
  }
  return undefined;
}

/** Sets a value at a path of the arguments, making the objects on the way. */
function withValue(args: unknown[], at: ReadonlyArray<number | string>, value: unknown, fixtures: Fixtures, callable: Callable): unknown[] {
  const copy = [...args] as any;
  let holder = copy;
  let type: ts.Type | undefined = callable.params[at[0] as number].type;
  for (const key of at.slice(0, -1)) {
    const next: ts.Type | undefined = type && (typeof key === 'number'
      ? checker.getTypeArguments(checker.getNonNullableType(type) as ts.TypeReference)[0]
      : propType(checker.getNonNullableType(type).getProperty(String(key))!));
    holder[key] = structuredCloneShallow(holder[key] ?? (next ? fixtures.value(checker.getNonNullableType(next), String(key)) : {}));
    holder = holder[key];
    type = next;
  }
  holder[at[at.length - 1]] = value;
  return copy;
}

describe('every required prop and argument of the public API, left out or null, is a synth error naming construct, prop, rule and value', () => {
  let scratch: string;
  let app: App;
  let stack: Stack;
  let fixtures: Fixtures;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'required-props-'));
    app = new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'lock.json') } });
    stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
    fixtures = new Fixtures(app, stack, scratch);
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** Calls a callable with these arguments as a user would; a factory's value is handed to the construct that receives it. */
  const call = (callable: Callable, args: unknown[]): { path: string } => {
    const Class = (lib as any)[callable.className];
    const scope = IN_APP.has(callable.className) ? app : stack;
    if (!callable.method) {
      new Class(scope, 'Subject', ...args);
      return { path: scope === app ? 'Subject' : 'Stack/Subject' };
    }
    if (callable.scoped) {
      Class[callable.method](stack, 'Subject', ...args);
      return { path: 'Stack/Subject' };
    }
    const value = Class[callable.method](...args);
    const receiver = receiverOf(callable.returns);
    if (!receiver) {
      throw new Error(`no construct of the public API receives a ${callable.returns}, which ${callable.label} makes`);
    }
    const receiverArgs = withValue(argumentsOf(receiver.callable, fixtures), receiver.at, value, fixtures, receiver.callable);
    return call(receiver.callable, receiverArgs);
  };

  test('the walk finds the instance methods of the review, and their required arguments', () => {
    expect(methods.map((m) => m.label)).toEqual(expect.arrayContaining([
      'DistributorPackageAssociation#alertOnFailure()', 'OrganizationInventory#grantQuery()', 'OrganizationInventory#addDriftQuery()',
      'PackageVersionReport#nodesAtVersionQuery()', 'PackageVersionReport#packageNodesQuery()', 'DistributorPackage#share()',
      'PackageRingRollout#addFailedNodesAlarms()', 'OrganizationInventory#driftQuery()',
    ]));
    expect(requiredOf(methods.find((m) => m.label === 'DistributorPackage#share()')!).map((r) => r.prop))
      .toEqual(['share() accountIds', 'share() accountIds[0]']);
  });

  test('the walk finds the constructs and factories of the issue, and their required props', () => {
    const labels = callables.map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining([
      'new DistributorPackageAssociation()', 'new OneTimeInstall()', 'new DistributorPackage()', 'new PackageRingRollout()',
      'new PackageFleetDashboard()', 'new OrganizationRollout()', 'new PackageVersionReport()', 'new OrganizationPackageBuckets()',
      'InstanceTargets.tags()', 'InstanceTargets.instanceIds()', 'DistributorPackage.fromPackageName()', 'PackageFile.fromZip()',
    ]));
    const required = (label: string) => requiredOf(callables.find((c) => c.label === label)!).map((r) => r.prop);
    expect(required('new DistributorPackage()')).toEqual(['props', 'packageName', 'version', 'targets',
      'targets[0]', 'targets[0].platform', 'targets[0].file']);
    expect(required('new PackageRingRollout()')).toEqual(expect.arrayContaining(['rings[0].name', 'rings[0].targets', 'distributorPackage']));
    expect(required('new OneTimeInstall()')).toEqual(['props', 'targets', 'distributorPackage']);
    expect(required('InstanceTargets.tags()')).toEqual(['InstanceTargets.tags() tags', 'InstanceTargets.tags() tags[*][0]']);
    expect(required('new OrganizationRollout()')).toEqual(expect.arrayContaining(['organizationalUnits[0]']));
    expect(required('InstanceTargets.instances()')).toEqual(['InstanceTargets.instances() instances', 'InstanceTargets.instances() instances[0]']);
    expect(required('new PackageFleetDashboard()')).toEqual(['props', 'associations', 'associations[0]']);
  });

  describe.each(callables.map((c) => [c.label, c] as const))('%s', (_, callable) => {
    test('takes its required props and arguments, from the fixtures', () => {
      expect(() => call(callable, argumentsOf(callable, fixtures))).not.toThrow();
    });

    const cases = requiredOf(callable).flatMap((required) =>
      [undefined, null].map((value) => [required.prop, String(value), required, value] as const));
    if (cases.length === 0) {
      return;
    }
    test.each(cases)('%s %s', (prop, shown, required, value) => {
      let thrown: unknown;
      let at = '';
      try {
        at = call(callable, without(argumentsOf(callable, fixtures), required.at, value)).path;
      } catch (error) {
        thrown = error;
      }
      const error = thrown as Error;
      expect(error).toBeInstanceOf(Error);
      const expectedPath = at || (callable.method && !callable.scoped ? receiverPath(callable) : pathOf(callable));
      // The rule is 'is required', or what to give where the library says more (PackageVersionReport's inventory); an
      // item of a list of strings is named as the item's own rule names it (`targets tag 'Environment' value`).
      const named = required.item ? '.+ ' : escape(`${prop} `);
      expect(error.message).toMatch(new RegExp(`^${escape(`${expectedPath}: `)}${named}(is required|must .+), got ${shown}$`));
      expect(Errors.isValidationError(error)).toBe(true);
    });
  });

  /** A construct of this class, built from the fixtures, and its path. */
  const instanceOf = (className: string): { instance: any; path: string } => {
    const constructor = callables.find((c) => c.label === `new ${className}()`);
    if (!constructor) {
      throw new Error(`no constructor of ${className} to build an instance from: add one to test/required-props.test.ts`);
    }
    const scope = IN_APP.has(className) ? app : stack;
    const [props, ...rest] = argumentsOf(constructor, fixtures);
    const also = FOR_METHODS[className]?.(stack);
    const args = also ? [{ ...props as object, ...also }, ...rest] : [props, ...rest];
    return { instance: new (lib as any)[className](scope, 'Subject', ...args), path: pathOf(constructor) };
  };

  describe.each(methods.map((m) => [m.label, m] as const))('%s', (_, method) => {
    test('takes its required arguments, from the fixtures', () => {
      const { instance } = instanceOf(method.className);
      expect(() => instance[method.method!](...argumentsOf(method, fixtures))).not.toThrow();
    });

    test.each(requiredOf(method).flatMap((required) =>
      [undefined, null].map((value) => [required.prop, String(value), required, value] as const)))('%s %s', (prop, shown, required, value) => {
      const { instance, path: at } = instanceOf(method.className);
      const args = without(argumentsOf(method, fixtures), required.at, value);

      const error = (() => {
        try {
          instance[method.method!](...args);
        } catch (thrown) {
          return thrown as Error;
        }
        return undefined;
      })();

      expect(error).toBeInstanceOf(Error);
      // The method's error names the argument, with the method (`share() accountIds`) or without (`packageName`).
      const [, name] = prop.split('() ');
      const named = required.item ? '.+ ' : `(${escape(`${method.method}() `)})?${escape(`${name} `)}`;
      expect(error!.message).toMatch(new RegExp(`^${escape(`${at}: `)}${named}(is required|must .+), got ${shown}$`));
      expect(Errors.isValidationError(error)).toBe(true);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The path of the construct a callable makes, as `call` makes it. */
function pathOf(callable: Callable): string {
  return IN_APP.has(callable.className) && !callable.method ? 'Subject' : 'Stack/Subject';
}

/** The path of the construct that receives a scope-less factory's value. */
function receiverPath(callable: Callable): string {
  return pathOf(receiverOf(callable.returns)!.callable);
}

describe('a method that takes a required list answers the same way', () => {
  test.each([undefined, null])('DistributorPackage.share(%s)', (value) => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'required-share-'));
    try {
      const app = new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'lock.json') } });
      const pkg = new lib.DistributorPackage(new Stack(app, 'Stack'), 'Package', {
        packageName: 'ExampleAgent', version: '1.0.0', targets: [{ platform: lib.PackagePlatform.AMAZON_LINUX, file: lib.PackageFile.fromDirectory(LINUX) }],
      });

      expect(() => pkg.share(value as unknown as string[])).toThrow(`Stack/Package: share() accountIds is required, got ${value}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('checkRequiredProps, the check every construct runs first', () => {
  const check = (props: object | undefined) => {
    const stack = new Stack(new App(), 'Stack');
    checkRequiredProps(new Construct(stack, 'Subject'), props,
      ['destination', 'destination.bucketName', 'items', 'items[]', 'targets[].file', ['inventory', 'must say who gathers it']]);
  };
  const valid = { destination: { bucketName: 'b' }, items: ['a'], targets: [{ file: 'f' }], inventory: 'i' };

  test.each<[string, object | undefined, string]>([
    ['props', undefined, 'props is required, got undefined'],
    ['a prop', { ...valid, destination: null }, 'destination is required, got null'],
    ["a struct's prop", { ...valid, destination: {} }, 'destination.bucketName is required, got undefined'],
    ["a list's item", { ...valid, items: ['a', null] }, 'items[1] is required, got null'],
    ["an item's prop", { ...valid, targets: [{ file: 'f' }, {}] }, 'targets[1].file is required, got undefined'],
    ['a prop with its own rule', { ...valid, inventory: undefined }, 'inventory must say who gathers it, got undefined'],
  ])('%s', (_, props, message) => {
    expect(() => check(props)).toThrow(`Stack/Subject: ${message}`);
  });

  test('all given', () => {
    expect(() => check(valid)).not.toThrow();
  });
});

describe('the pattern checks refuse what is not a string, which a regular expression would read as "undefined" or "null"', () => {
  // `undefined` and `null` fit SSM's DocumentVersionName shape and a ring name's pattern as the texts they print as.
  test.each([undefined, null, 1])('%s', (value) => {
    expect(fitsShape(SSM_API.DocumentVersionName, value as unknown as string)).toBe(false);
    expect(() => checkShape('version', value as unknown as string, SSM_API.DocumentVersionName, 'must be a version name'))
      .toThrow(`version must be a version name, got ${value}`);
    expect(() => checkPattern('name', value as unknown as string, /^[a-z0-9]+$/, 'must be letters or digits'))
      .toThrow(`name must be letters or digits, got ${value}`);
  });
});
