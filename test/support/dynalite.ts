/**
 * dynalite (DynamoDB on LevelDB, here in memory) as a second DynamoDB for
 * contract tests: on an ephemeral loopback port, served to the real SDK client.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { parse as parseYaml } from 'yaml';

/** A table as serverless.yml declares it (key schema, attribute definitions, billing), under another name. */
export function tableDefinition(logicalId: string, tableName: string): CreateTableCommandInput {
  const raw = parseYaml(readFileSync(join(__dirname, '../../serverless.yml'), 'utf8')) as { resources?: unknown };
  // serverless merges a list of resource blocks.
  const blocks = [raw.resources ?? {}].flat() as Array<{ Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }>;
  const resource = Object.assign({}, ...blocks.map((b) => b?.Resources ?? {}))[logicalId] as { Type?: string; Properties?: Record<string, unknown> } | undefined;
  if (resource?.Type !== 'AWS::DynamoDB::Table' || !resource.Properties) throw new Error(`serverless.yml declares no DynamoDB table ${logicalId}`);
  const { AttributeDefinitions, KeySchema, BillingMode } = resource.Properties as Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'BillingMode'>;
  return { TableName: tableName, AttributeDefinitions, KeySchema, BillingMode };
}

export interface Dynalite {
  client: DynamoDBClient;
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite with the given tables created (ACTIVE at once: createTableMs 0). */
export async function startDynalite(tables: CreateTableCommandInput[]): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'dummy', secretAccessKey: 'dummy' } });
  for (const table of tables) await client.send(new CreateTableCommand(table));
  return {
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
