import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientDefaults, DYNAMODB_REQUEST_TIMEOUT_MS } from './defaults';

/** The production DynamoDBClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const dynamodb = (): DynamoDBClient => new DynamoDBClient({ ...clientDefaults, requestHandler: { requestTimeout: DYNAMODB_REQUEST_TIMEOUT_MS, connectionTimeout: 1_000 } });
