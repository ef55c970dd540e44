/**
 * The official service models the emulators answer by: slices of botocore
 * 1.43.11's JSON models (Apache-2.0) with the error statuses of the SDK
 * clients in package.json, written by extract.ts (each file's `_source`
 * names its origin); and the errors AWS documents as common to every
 * service, which no service model lists.
 */
import cloudcontrol from './cloudcontrol.json';
import dynamodb from './dynamodb.json';
import events from './events.json';
import partnercentralChannel from './partnercentral-channel.json';
import servicecatalog from './servicecatalog.json';
import sqs from './sqs.json';
import stepfunctions from './stepfunctions.json';
import sts from './sts.json';

export interface ShapeRef {
  shape: string;
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob';
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  timestampFormat?: string;
  exception?: boolean;
  fault?: boolean;
}

export interface ModelledError {
  status: number;
  fault: 'client' | 'server';
  /** The awsQuery-compatible code (SQS: `AWS.SimpleQueueService.NonExistentQueue` for QueueDoesNotExist). */
  queryCode?: string;
}

export interface ServiceModel {
  service: string;
  apiVersion: string;
  /** The X-Amz-Target prefix of a JSON-protocol service; a query-protocol one's signing name (`sts`). */
  targetPrefix: string;
  /** `query` for an AWS Query service (form in, XML out); JSON otherwise. */
  protocol?: 'query';
  /** The XML namespace a query service's answers carry. */
  xmlNamespace?: string;
  operations: Record<string, { input?: string; output?: string; errors: string[] }>;
  errors: Record<string, ModelledError>;
  shapes: Record<string, Shape>;
}

export const MODELS = [cloudcontrol, dynamodb, events, partnercentralChannel, servicecatalog, sqs, stepfunctions, sts] as unknown as ServiceModel[];

const byTargetPrefix = new Map(MODELS.map((m) => [m.targetPrefix, m]));

/** The model of the service an X-Amz-Target prefix names (`CloudApiService` → cloudcontrol). */
export function modelForTarget(targetPrefix: string): ServiceModel | undefined {
  return byTargetPrefix.get(targetPrefix);
}

/**
 * Errors any AWS API may answer that the service models do not list, with
 * the HTTP status AWS documents for them: the "Common Errors" pages of the
 * API references (e.g. https://docs.aws.amazon.com/emr/latest/APIReference/CommonErrors.html)
 * and the newer "Common Error Types" list
 * (https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html:
 * UnrecognizedClientException 403, UnknownOperationException 404). Where
 * the two lists differ (AccessDeniedException 400 in the older, 403 in the
 * newer), the newer wins. A service that models an error of the same name
 * (Cloud Control's ThrottlingException, 429) answers with its own status.
 */
export const COMMON_ERRORS: Record<string, { status: number; why: string }> = {
  AccessDeniedException: { status: 403, why: 'not allowed to perform the action' },
  IncompleteSignature: { status: 400, why: 'the signature does not conform to AWS standards' },
  InternalFailure: { status: 500, why: 'unknown error, exception or failure' },
  InvalidParameterCombination: { status: 400, why: 'parameters that must not be used together' },
  InvalidParameterValue: { status: 400, why: 'an invalid or out-of-range value' },
  MissingParameter: { status: 400, why: 'a required parameter is missing' },
  ServiceUnavailable: { status: 503, why: 'a temporary failure of the server' },
  ThrottlingException: { status: 400, why: 'request throttling' },
  UnknownOperationException: { status: 404, why: 'the action or operation requested is invalid' },
  UnrecognizedClientException: { status: 403, why: 'the access key id is not in AWS records' },
  ValidationError: { status: 400, why: 'the input fails the constraints (query protocols)' },
  InvalidAction: { status: 400, why: 'the action or operation requested is invalid (query protocols)' },
  InvalidClientTokenId: { status: 403, why: 'the access key id or security token is not in AWS records' },
  // The query protocols' names for a refusal and for credentials past their Expiration: STS AssumeRole answers
  // "AccessDenied: User: <arn> is not authorized to perform: sts:AssumeRole on resource: <role>" (IAM User Guide,
  // "Troubleshooting IAM roles"), and an expired session's call "ExpiredToken: The security token included in the
  // request is expired" (Apache Ozone HDDS-14847 records AWS answering so); the JSON services say ExpiredTokenException.
  AccessDenied: { status: 403, why: 'not allowed to perform the action (query protocols)' },
  ExpiredToken: { status: 400, why: 'the security token has expired (query protocols)' },
  ExpiredTokenException: { status: 400, why: 'the security token has expired' },
  // Not on those pages, but what the JSON-protocol frameworks answer: ValidationException for a model
  // constraint (e.g. Service Catalog: "1 validation error detected: Value 'My Test Sandbox1' at
  // 'provisionedProductName' failed to satisfy constraint", aws-ia/terraform-aws-control_tower_account_factory#103),
  // SerializationException for a body that is not the model's JSON.
  ValidationException: { status: 400, why: 'the input fails the constraints of the service model' },
  SerializationException: { status: 400, why: 'the request body is not valid for the model' },
};

/** The modelled error an exception name is: its shape name, or (awsQueryCompatible SQS) its query code. */
export function modelledError(model: ServiceModel, name: string): [string, ModelledError] | undefined {
  const direct = model.errors[name];
  if (direct) return [name, direct];
  return Object.entries(model.errors).find(([, e]) => e.queryCode === name);
}

/** The HTTP status AWS answers `name` with on this service: the model's, else the common errors', else 400. */
export function errorStatus(targetPrefix: string, name: string): number {
  const model = modelForTarget(targetPrefix);
  return (model && modelledError(model, name)?.[1].status) ?? COMMON_ERRORS[name]?.status ?? 400;
}
