/**
 * Reads serverless.yml the way the local stack needs it: the functions with
 * their handlers and environments, the EventBridge rules, and the state
 * machines with their ASL files. Serverless variables and CloudFormation
 * intrinsics are resolved to local names and ARNs, so the stack runs the
 * configuration that is deployed, not a copy of it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { functionRoleName, roleLogicalId } = require('../config/role-names.js') as {
  functionRoleName: (service: string, stage: string, region: string, key: string) => string;
  roleLogicalId: (key: string) => string;
};

/** EventBridge's input transformer on a target: InputPathsMap and InputTemplate (local/emulators/input-transformer.ts applies it). */
export interface InputTransformer {
  pathsMap: Record<string, string>;
  template: string;
}

/** A rule's event pattern as written (the local stack checks it with EventBridge's grammar when it starts). */
export type EventPattern = Record<string, unknown>;

export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * A rule and its target: one of the service's functions (asynchronous
 * invocation), a queue, or a log group (the last two as rules declared
 * under resources).
 */
export type RuleModel = {
  name: string;
  /** The target's InputTransformer: what EventBridge hands the target instead of the event. */
  inputTransformer?: InputTransformer;
  busName: string;
  pattern: EventPattern;
  maximumRetryAttempts: number;
  /** How long EventBridge keeps retrying a delivery that fails (RetryPolicy.MaximumEventAgeInSeconds). */
  maximumEventAgeSeconds: number;
  /** Where EventBridge puts an event it could not deliver (the target's DeadLetterConfig), by queue name. */
  deadLetterQueueName?: string;
} & (
  | { functionKey: string; logGroupName?: undefined; queueName?: undefined }
  | { logGroupName: string; functionKey?: undefined; queueName?: undefined }
  | { queueName: string; functionKey?: undefined; logGroupName?: undefined }
);

/** An SQS queue the service declares, with the attributes its behaviour depends on. */
export interface QueueModel {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** RedrivePolicy: after this many receives a message moves to the dead-letter queue. */
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

/** A Lambda event source mapping on a queue. */
export interface QueueSourceModel {
  queueName: string;
  batchSize: number;
  /** FunctionResponseTypes: [ReportBatchItemFailures]. */
  reportBatchItemFailures: boolean;
}

export interface FunctionModel {
  key: string;
  name: string;
  logicalId: string;
  arn: string;
  /** The function's own role (serverless-iam-roles-per-function): the principal its calls are made as. */
  roleArn: string;
  /** Its role's identity policy: the function's iamRoleStatements, values resolved (the emulators check iam:PassRole against it). */
  policy: PolicyStatement[];
  /** Absolute path of the handler module, without extension. */
  modulePath: string;
  exportName: string;
  environment: Record<string, string>;
  /** Async invocations (rule targets) retried this many times on error, as Lambda does. */
  maximumRetryAttempts: number;
  /** The function's timeout (serverless' default is 6 s). */
  timeoutSeconds: number;
  /** Queues Lambda polls for this function. */
  queueSources: QueueSourceModel[];
  /** `schedule: rate(...)` events, in seconds between invocations. */
  scheduleSeconds: number[];
  /** Where Lambda sends an asynchronous invocation that kept failing (destinations.onFailure), by queue name. */
  onFailureQueueName?: string;
}

export interface StateMachineModel {
  key: string;
  logicalId: string;
  name: string;
  arn: string;
  /** The ASL with every Task Resource resolved to a function ARN. */
  definition: AslDefinition;
  /** Task state name → function key. */
  taskFunctions: Record<string, string>;
}

export interface AslState {
  Type: string;
  Resource?: unknown;
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [key: string]: unknown;
}
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

export interface ServiceModel {
  root: string;
  service: string;
  stage: string;
  region: string;
  accountId: string;
  busNames: string[];
  functions: Record<string, FunctionModel>;
  rules: RuleModel[];
  stateMachines: Record<string, StateMachineModel>;
  /** DynamoDB tables the service declares (by name). */
  tableNames: string[];
  /** SQS queues the service declares, by name. */
  queues: Record<string, QueueModel>;
  /** Resource policy statements of each bus the service declares, by bus name. */
  busPolicies: Record<string, PolicyStatement[]>;
}

/** An IAM policy statement (values resolved): a resource policy's names a Principal, an identity policy's does not. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS: string | string[] };
  Action: string | string[];
  /** Absent only in a role's trust policy, where the role itself is the resource. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

type Json = unknown;
/**
 * serverless.yml once variables are resolved: YAML walked by the shape
 * serverless and CloudFormation give it, and checked where the stack relies
 * on it (an unknown resource or target throws).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML by design, one alias instead of casts at every step
type Yaml = any;

/** Serverless' logical id for a function: first letter upper-cased, - and _ spelled out. */
export function functionLogicalId(key: string): string {
  const normalized = key.charAt(0).toUpperCase() + key.slice(1);
  return `${normalized.replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;
}

function get(obj: Json, path: string): Json {
  return path.split('.').reduce<Json>((node, key) => (node && typeof node === 'object' ? (node as Record<string, Json>)[key] : undefined), obj);
}

/** `${AWS::Region}`, `${Bus}`, `${DataKey.Arn}`: CloudFormation's Fn::Sub placeholders, which serverless leaves alone too. */
function isSubPlaceholder(expr: string): boolean {
  return /^AWS::|^[A-Za-z0-9]+(\.[A-Za-z]+)?$/.test(expr);
}

/** Resolves the serverless variables this project uses: self:, sls:stage, opt:, file(). */
function resolveVariables(node: Json, raw: Json, root: string, options: { stage: string; region: string }): Json {
  const resolveString = (value: string): Json => {
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    if (whole && !isSubPlaceholder(whole[1]!)) return resolveVariable(whole[1]!);
    const replaced = value.replace(/\$\{([^{}]+)\}/g, (match, expr: string) => {
      if (isSubPlaceholder(expr)) return match; // Fn::Sub placeholders stay for CloudFormation
      return String(resolveVariable(expr));
    });
    // Nested variables (`${self:a.${sls:stage}}`) resolve from the inside out, as serverless does.
    return replaced !== value && replaced.includes('${') ? resolveString(replaced) : replaced;
  };
  const resolveVariable = (expr: string): Json => {
    const [source, fallback] = expr.split(/,\s*/, 2) as [string, string | undefined];
    const defaultValue = fallback?.replace(/^['"]|['"]$/g, '');
    if (source === 'sls:stage') return options.stage;
    if (source.startsWith('opt:')) {
      const value = (options as Record<string, string>)[source.slice(4)];
      return value ?? defaultValue;
    }
    if (source.startsWith('self:')) {
      // Walk the path, resolving variables met on the way (`custom.guardrails` may itself be a ${file(...)}).
      let value: Json = raw;
      for (const key of source.slice(5).split('.')) {
        if (typeof value === 'string' && value.includes('${')) value = resolveVariables(value, raw, root, options);
        value = value && typeof value === 'object' ? (value as Record<string, Json>)[key] : undefined;
      }
      if (value === undefined) {
        // A fallback may itself be a variable (`${self:a, self:b}`), or a literal.
        if (fallback && /^(self|opt|sls|file)[:(]/.test(fallback)) return resolveVariable(fallback);
        if (defaultValue !== undefined) return defaultValue;
        throw new Error(`serverless.yml: \${${expr}} does not resolve`);
      }
      return resolveVariables(value, raw, root, options);
    }
    const file = /^file\((.+?)\)(?::(.+))?$/.exec(source);
    if (file) {
      const path = join(root, file[1]!);
      let content: Json;
      if (path.endsWith('.js')) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        content = require(path); // a module of values (config/stage.js), addressed as serverless does
      } else {
        const text = readFileSync(path, 'utf8');
        content = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      }
      const address = file[2] ? String(resolveString(file[2])) : undefined;
      return resolveVariables(address ? get(content, address) : content, raw, root, options);
    }
    throw new Error(`serverless.yml: the local stack does not resolve \${${expr}}`);
  };
  if (typeof node === 'string') return resolveString(node);
  if (Array.isArray(node)) return node.map((item) => resolveVariables(item, raw, root, options));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveVariables(v, raw, root, options)]));
  }
  return node;
}

export function loadServiceModel(root = resolve(__dirname, '..'), options: { stage?: string; region?: string } = {}): ServiceModel {
  const raw = parseYaml(readFileSync(join(root, 'serverless.yml'), 'utf8')) as Record<string, Json>;
  const provider = raw.provider as Record<string, Json>;
  const stage = options.stage ?? 'local';
  const preliminary = { stage, region: options.region ?? 'us-east-1' };
  const config = resolveVariables(raw, raw, root, preliminary) as Record<string, Yaml>;
  const region = String(options.region ?? config.provider.region ?? (provider.region as string));
  const service = String(config.service);
  const accountId = LOCAL_ACCOUNT_ID;
  // serverless merges a list of resource blocks (Service.mergeArrays); so does this.
  const resourceBlocks: Array<Record<string, Yaml>> = [config.resources ?? {}].flat();
  const resources: Record<string, Yaml> = Object.assign({}, ...resourceBlocks.map((block) => block?.Resources ?? {}));

  const functions: Record<string, FunctionModel> = {};
  const stateMachines: Record<string, StateMachineModel> = {};
  const functionByLogicalId = new Map<string, FunctionModel>();
  const functionByRoleLogicalId = new Map<string, FunctionModel>();
  const stateMachineByLogicalId = new Map<string, StateMachineModel>();

  // serverless merges a list of function blocks (Service.mergeArrays): the platform's and the workflows' (config/workflows.js).
  const functionBlocks: Array<Record<string, Yaml>> = [config.functions ?? {}].flat();
  for (const [key, fn] of Object.entries<Yaml>(Object.assign({}, ...functionBlocks))) {
    const name = `${service}-${stage}-${key}`;
    // The role name the packaging gives it (config/role-names.js, through .serverless_plugins/role-names.js).
    const roleName = String(fn.iamRoleStatementsName ?? functionRoleName(service, stage, region, key));
    const [modulePath, exportName] = [String(fn.handler).replace(/\.[^.]+$/, ''), String(fn.handler).split('.').pop()!];
    const model: FunctionModel = {
      key,
      name,
      logicalId: functionLogicalId(key),
      arn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
      roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      modulePath: join(root, modulePath),
      exportName,
      environment: {},
      maximumRetryAttempts: fn.maximumRetryAttempts ?? 2,
      timeoutSeconds: Number(fn.timeout ?? config.provider.timeout ?? 6),
      policy: [],
      queueSources: [],
      scheduleSeconds: [],
    };
    functions[key] = model;
    functionByLogicalId.set(model.logicalId, model);
    functionByRoleLogicalId.set(roleLogicalId(key), model);
  }
  for (const [key, sm] of Object.entries<Yaml>(config.stepFunctions?.stateMachines ?? {})) {
    const name = String(sm.name ?? `${service}-${stage}-${key}`);
    const model: StateMachineModel = {
      key,
      logicalId: String(sm.id ?? key),
      name,
      arn: `arn:aws:states:${region}:${accountId}:stateMachine:${name}`,
      definition: sm.definition as AslDefinition,
      taskFunctions: {},
    };
    stateMachines[key] = model;
    stateMachineByLogicalId.set(model.logicalId, model);
  }

  /** CloudFormation Ref / GetAtt / Sub over the resources this service declares. */
  const attribute = (logicalId: string, attr: 'Ref' | string): string => {
    const fn = functionByLogicalId.get(logicalId);
    if (fn) return attr === 'Arn' ? fn.arn : fn.name;
    const roleOf = functionByRoleLogicalId.get(logicalId);
    if (roleOf) return attr === 'Arn' ? roleOf.roleArn : roleOf.roleArn.split('/').pop()!;
    const sm = stateMachineByLogicalId.get(logicalId);
    if (sm) return attr === 'Name' ? sm.name : sm.arn;
    const resource = resources[logicalId];
    if (!resource) throw new Error(`serverless.yml: unknown resource ${logicalId}`);
    const name = String(resource.Properties?.Name ?? resource.Properties?.QueueName ?? resource.Properties?.TableName ?? logicalId);
    switch (resource.Type) {
      case 'AWS::Events::EventBus':
        return attr === 'Arn' ? `arn:aws:events:${region}:${accountId}:event-bus/${name}` : name;
      case 'AWS::Logs::LogGroup':
        return attr === 'Arn' ? `arn:aws:logs:${region}:${accountId}:log-group:${resource.Properties.LogGroupName}` : String(resource.Properties.LogGroupName);
      case 'AWS::DynamoDB::Table':
        return attr === 'Arn' ? `arn:aws:dynamodb:${region}:${accountId}:table/${name}` : name;
      case 'AWS::SQS::Queue':
        return attr === 'Arn' ? `arn:aws:sqs:${region}:${accountId}:${name}` : `http://localhost/${accountId}/${name}`;
      default:
        return attr === 'Arn' ? `arn:aws:local:${region}:${accountId}:${logicalId}` : name;
    }
  };
  const pseudo: Record<string, string> = { 'AWS::Region': region, 'AWS::AccountId': accountId, 'AWS::Partition': 'aws' };
  const intrinsic = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(intrinsic);
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, Json>;
    if ('Ref' in obj) return pseudo[String(obj.Ref)] ?? attribute(String(obj.Ref), 'Ref');
    if ('Fn::GetAtt' in obj) {
      const [id, attr] = obj['Fn::GetAtt'] as [string, string];
      return attribute(id, attr);
    }
    if ('Fn::Split' in obj) {
      const [separator, text] = obj['Fn::Split'] as [string, Json];
      return String(intrinsic(text)).split(separator);
    }
    if ('Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, Json[]];
      return parts.map((part) => String(intrinsic(part))).join(separator);
    }
    if ('Fn::Sub' in obj) {
      return String(obj['Fn::Sub']).replace(/\$\{([^}]+)\}/g, (_m, expr: string) => {
        if (pseudo[expr]) return pseudo[expr]!;
        const [id, attr] = expr.split('.');
        return attribute(id!, attr ?? 'Ref');
      });
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, intrinsic(v)]));
  };

  const providerEnv = intrinsic(config.provider.environment ?? {}) as Record<string, Json>;
  const rules: RuleModel[] = [];
  for (const [key, fn] of Object.entries<Yaml>(Object.assign({}, ...functionBlocks))) {
    const model = functions[key]!;
    // A stage's generated statements arrive as one list item holding a list (`- ${self:custom.stageConfig.passRole...}`).
    model.policy = (intrinsic(fn.iamRoleStatements ?? []) as unknown[]).flat(Infinity) as PolicyStatement[];
    const onFailure = fn.destinations?.onFailure;
    if (onFailure) model.onFailureQueueName = String(intrinsic(onFailure.arn ?? onFailure)).split(':').pop();
    model.environment = Object.fromEntries(
      Object.entries({ ...providerEnv, ...(intrinsic(fn.environment ?? {}) as Record<string, Json>) }).map(([k, v]) => [k, String(v)]),
    );
    for (const event of fn.events ?? []) {
      if (event.sqs) {
        const arn = String(intrinsic(event.sqs.arn ?? event.sqs));
        model.queueSources.push({
          queueName: arn.split(':').pop()!,
          batchSize: Number(event.sqs.batchSize ?? 10),
          reportBatchItemFailures: event.sqs.functionResponseType === 'ReportBatchItemFailures',
        });
        continue;
      }
      if (event.schedule) {
        model.scheduleSeconds.push(rateSeconds(String(event.schedule.rate ?? event.schedule)));
        continue;
      }
      if (!event.eventBridge) continue;
      const bus = intrinsic(event.eventBridge.eventBus ?? 'default');
      const deadLetter = event.eventBridge.deadLetterQueueArn ? String(intrinsic(event.eventBridge.deadLetterQueueArn)) : undefined;
      rules.push({
        name: `${key}-rule`,
        functionKey: key,
        busName: String(bus).split('/').pop()!,
        pattern: intrinsic(event.eventBridge.pattern) as EventPattern,
        maximumRetryAttempts: event.eventBridge.retryPolicy?.maximumRetryAttempts ?? 185,
        maximumEventAgeSeconds: event.eventBridge.retryPolicy?.maximumEventAge ?? 86_400,
        deadLetterQueueName: deadLetter?.split(':').pop(),
      });
    }
  }
  // Rules declared as resources: queue targets (the request intake) and log-group targets (the unaccepted-request logs).
  for (const [logicalId, resource] of Object.entries<Yaml>(resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const targets = resource.Properties.Targets ?? [];
    if (targets.length !== 1) throw new Error(`serverless.yml: rule ${logicalId} must have exactly one target for the local stack`);
    const target = targets[0];
    const arn = String(intrinsic(target.Arn));
    const common = {
      name: logicalId,
      busName: String(intrinsic(resource.Properties.EventBusName ?? 'default')).split('/').pop()!,
      pattern: intrinsic(resource.Properties.EventPattern) as EventPattern,
      maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? 185,
      maximumEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
      deadLetterQueueName: target.DeadLetterConfig?.Arn ? String(intrinsic(target.DeadLetterConfig.Arn)).split(':').pop() : undefined,
      inputTransformer: target.InputTransformer
        ? { pathsMap: (intrinsic(target.InputTransformer.InputPathsMap ?? {}) as Record<string, string>), template: String(intrinsic(target.InputTransformer.InputTemplate)) }
        : undefined,
    };
    if (arn.includes(':log-group:')) rules.push({ ...common, logGroupName: arn.split(':log-group:')[1]! });
    else if (arn.startsWith('arn:aws:sqs:')) rules.push({ ...common, queueName: arn.split(':').pop()! });
    else throw new Error(`serverless.yml: rule ${logicalId} has a target the local stack cannot deliver to`);
  }
  for (const sm of Object.values(stateMachines)) {
    sm.definition = intrinsic(sm.definition) as AslDefinition;
    const arnToFunction = new Map(Object.values(functions).map((f) => [f.arn, f.key]));
    visitStates(sm.definition, (stateName, state) => {
      if (state.Type !== 'Task') return;
      const fnKey = arnToFunction.get(String(state.Resource));
      if (!fnKey) throw new Error(`${sm.name}: Task "${stateName}" calls ${String(state.Resource)}, which is not a function of this service`);
      if (sm.taskFunctions[stateName]) throw new Error(`${sm.name}: Task name "${stateName}" is used twice; the local stack binds handlers by state name`);
      sm.taskFunctions[stateName] = fnKey;
    });
  }
  const busNames = Object.values(resources)
    .filter((r: Yaml) => r.Type === 'AWS::Events::EventBus')
    .map((r: Yaml) => String(r.Properties.Name));
  const namesOf = (type: string) => Object.keys(resources).filter((id) => resources[id].Type === type).map((id) => attribute(id, 'Ref'));
  const queues: Record<string, QueueModel> = {};
  for (const [logicalId, resource] of Object.entries<Yaml>(resources)) {
    if (resource.Type !== 'AWS::SQS::Queue') continue;
    const props = (intrinsic(resource.Properties ?? {}) ?? {}) as Record<string, Yaml>;
    const name = String(props.QueueName ?? logicalId);
    const redrive = props.RedrivePolicy as { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    queues[name] = {
      logicalId,
      name,
      url: attribute(logicalId, 'Ref'),
      arn: attribute(logicalId, 'Arn'),
      // The SQS defaults: 30 s visibility, 4 days retention.
      visibilityTimeoutSeconds: Number(props.VisibilityTimeout ?? 30),
      retentionSeconds: Number(props.MessageRetentionPeriod ?? 345_600),
      redrive: redrive?.deadLetterTargetArn
        ? { deadLetterQueueName: String(redrive.deadLetterTargetArn).split(':').pop()!, maxReceiveCount: Number(redrive.maxReceiveCount) }
        : undefined,
    };
  }
  // Bus policies: one statement per AWS::Events::EventBusPolicy, by bus name, as EventBridge evaluates them on PutEvents.
  const busPolicies: Record<string, PolicyStatement[]> = {};
  for (const resource of Object.values<Yaml>(resources)) {
    if (resource.Type !== 'AWS::Events::EventBusPolicy') continue;
    const props = intrinsic(resource.Properties) as { EventBusName: string; StatementId: string; Statement: Omit<PolicyStatement, 'Sid'> };
    (busPolicies[props.EventBusName] ??= []).push({ Sid: props.StatementId, ...props.Statement });
  }
  return {
    root, service, stage, region, accountId, busNames: ['default', ...busNames], functions, rules, stateMachines, busPolicies,
    tableNames: namesOf('AWS::DynamoDB::Table'),
    queues,
  };
}

/** `rate(15 minutes)` → 900. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) throw new Error(`serverless.yml: the local stack runs rate(...) schedules only, not "${expression}"`);
  const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 }[match[2] as 'minute'];
  return Number(match[1]) * unit;
}

/** Calls `visit` for every state, nested Map and Parallel states included. */
export function visitStates(definition: AslDefinition, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    const nested = [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].filter(Boolean) as AslDefinition[];
    nested.forEach((child) => visitStates(child, visit));
  }
}
