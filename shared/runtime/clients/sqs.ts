import { SQSClient } from '@aws-sdk/client-sqs';
import { clientDefaults } from './defaults';

/** The production SQSClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const sqs = (): SQSClient => new SQSClient(clientDefaults);
