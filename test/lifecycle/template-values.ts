/**
 * Resolves a synthesized template's values as CloudFormation would in one account and Region: pseudo parameters,
 * `Ref`, `Fn::GetAtt` (the ARNs of the resource types these tests meet), `Fn::Join`, `Fn::Select`, `Fn::Split`.
 * Physical names are made from logical ids where CloudFormation would generate them, so that the same resource
 * resolves to the same name in the templates before and after an update.
 */

export interface StackEnvironment {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
}

export type Template = { Resources: Record<string, TemplateResource> };
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
}

export function resolve(value: any, template: Template, env: StackEnvironment): any {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, template, env));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const [intrinsic] = Object.keys(value);
  const argument = value[intrinsic];
  switch (intrinsic) {
    case 'Ref':
      return ref(argument, template, env);
    case 'Fn::GetAtt':
      return getAtt(argument[0], argument[1], template, env);
    case 'Fn::Join':
      return resolve(argument[1], template, env).join(argument[0]);
    case 'Fn::Select':
      return resolve(argument[1], template, env)[Number(resolve(argument[0], template, env))];
    case 'Fn::Split':
      return resolve(argument[1], template, env).split(argument[0]);
    default:
      if (intrinsic?.startsWith('Fn::')) {
        throw new Error(`cannot resolve ${intrinsic}`);
      }
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, template, env)]));
  }
}

/** The logical ids a resource refers to, by `Ref`, `Fn::GetAtt` or `DependsOn`. */
export function dependenciesOf(resource: TemplateResource, template: Template): string[] {
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (value: any): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string' && template.Resources[value.Ref]) {
        found.add(value.Ref);
      }
      if (Array.isArray(value['Fn::GetAtt']) && template.Resources[value['Fn::GetAtt'][0]]) {
        found.add(value['Fn::GetAtt'][0]);
      }
      Object.values(value).forEach(walk);
    }
  };
  walk(resource.Properties);
  return [...found];
}

function ref(name: string, template: Template, env: StackEnvironment): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::StackName': env.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackId': stackId(env),
  };
  if (pseudo[name]) {
    return pseudo[name];
  }
  const resource = template.Resources[name];
  if (!resource) {
    throw new Error(`Ref to unknown ${name}`);
  }
  switch (resource.Type) {
    case 'AWS::SSM::Document':
      return resource.Properties?.Name ?? name;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${env.region}:${env.account}:${name}`;
    case 'AWS::S3::Bucket':
      return name.toLowerCase();
    default:
      return name;
  }
}

function getAtt(name: string, attribute: string, template: Template, env: StackEnvironment): string {
  const resource = template.Resources[name];
  if (!resource) {
    throw new Error(`Fn::GetAtt of unknown ${name}`);
  }
  if (attribute !== 'Arn') {
    return `${name}.${attribute}`;
  }
  switch (resource.Type) {
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${env.account}:role/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name.toLowerCase()}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${env.region}:${env.account}:function:${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${env.region}:${env.account}:log-group:${name}:*`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${env.region}:${env.account}:key/${name}`;
    // CloudFormation User Guide, AWS::DynamoDB::Table, return values: `Arn` is arn:aws:dynamodb:REGION:ACCOUNT:table/NAME.
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${env.region}:${env.account}:table/${ref(name, template, env)}`;
    default:
      return `arn:aws:${resource.Type.split('::')[1].toLowerCase()}:${env.region}:${env.account}:${name}`;
  }
}

export function stackId(env: StackEnvironment): string {
  return `arn:aws:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/guid`;
}
