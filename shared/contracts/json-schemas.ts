import { z } from 'zod';
import { contracts, SHEPHERD_SOURCE, type EventContract } from './events';

/** File name of a contract's schema under schemas/: "Resource Operation Requested" → resource-operation-requested.json. */
export function schemaFileName(contract: EventContract): string {
  return `${contract.detailType.toLowerCase().replace(/\s+/g, '-')}.json`;
}

/**
 * JSON Schema (Draft 4, what the EventBridge Schema Registry accepts) of a
 * whole event: envelope fields fixed by the contract, detail from its zod
 * schema. Refinements that JSON Schema cannot say (serialised sizes) are
 * enforced at runtime only.
 */
export function eventJsonSchema(contract: EventContract): Record<string, unknown> {
  const { $schema: _draft, definitions, ...detail } = z.toJSONSchema(contract.detail, {
    target: 'draft-4',
    unrepresentable: 'any',
    io: 'input',
  }) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: contract.detailType,
    description:
      contract.direction === 'emitted'
        ? `Emitted by Shepherd with source "${SHEPHERD_SOURCE}".`
        : `Request event: any source except "${SHEPHERD_SOURCE}".`,
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      'detail-type': { type: 'string', enum: [contract.detailType] },
      source: contract.direction === 'emitted' ? { type: 'string', enum: [SHEPHERD_SOURCE] } : { type: 'string', not: { enum: [SHEPHERD_SOURCE] } },
      detail,
    },
    // Shared sub-schemas (JSON values) are referenced as #/definitions/… from the root.
    ...(definitions ? { definitions } : {}),
  };
}

export function allJsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.values(contracts).map((contract) => [schemaFileName(contract), eventJsonSchema(contract)]));
}
