/**
 * A CloudFormation template as `serverless package` writes it, reduced to
 * what deploys: every resource and output, with what changes whenever the
 * code does (artifact keys, code hashes, Lambda version ids) left out and
 * lists whose order means nothing (IAM statements, principals) sorted. Two
 * templates that normalise alike create the same resources with the same
 * permissions.
 */
type Json = unknown;

const UNORDERED_KEYS = new Set(['Statement', 'aws:PrincipalArn', 'DependsOn']);

function canonical(node: Json, key?: string): Json {
  if (Array.isArray(node)) {
    const items = node.map((item) => canonical(item));
    return key && UNORDERED_KEYS.has(key) ? items.map((i) => JSON.stringify(i)).sort().map((i) => JSON.parse(i) as Json) : items;
  }
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v, k)]));
  }
  return node;
}

/** Lambda versions are named after the code's hash: `FooLambdaVersionAbc…` → `FooLambdaVersion`. */
const versionless = (text: string) => text.replace(/(LambdaVersion)[A-Za-z0-9]{20,}/g, '$1');

export function normaliseTemplate(template: { Resources: Record<string, any>; Outputs?: Record<string, any> }): Json {
  const resources: Record<string, Json> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const copy = JSON.parse(versionless(JSON.stringify(resource))) as { Type: string; Properties?: Record<string, any> };
    if (copy.Type === 'AWS::Lambda::Function') delete copy.Properties!.Code;
    if (copy.Type === 'AWS::Lambda::Version') delete copy.Properties!.CodeSha256;
    resources[versionless(id)] = canonical(copy);
  }
  return { Resources: canonical(resources), Outputs: canonical(JSON.parse(versionless(JSON.stringify(template.Outputs ?? {})))) };
}
