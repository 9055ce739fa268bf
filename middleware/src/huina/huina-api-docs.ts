import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { HuinaErrorDto } from './dto/huina.dto';

/** The X-Ca-* headers of every Huina route and its 401/403 answers. */
export const ApiHuinaSigned = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiSecurity('huinaSignature'),
    ApiHeader({ name: 'X-Ca-Key', required: true, description: 'appId of the Huina credential' }),
    ApiHeader({ name: 'X-Ca-Timestamp', required: true, description: 'ms since the epoch, within ±5 minutes' }),
    ApiHeader({ name: 'X-Ca-Nonce', required: true, description: '8–64 of [A-Za-z0-9_-], used once' }),
    ApiHeader({
      name: 'X-Ca-Signature',
      required: true,
      description: 'base64(HMAC-SHA256(secret, METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(SHA-256(body))))',
    }),
    ApiUnauthorizedResponse({
      type: HuinaErrorDto,
      description: 'SIGNATURE_*: headers, clock, appId, HMAC, replayed nonce',
    }),
    ApiForbiddenResponse({ type: HuinaErrorDto, description: 'customerId is not the mall of the credential' }),
    ApiBadRequestResponse({ type: HuinaErrorDto, description: 'invalid input; the message names the field' }),
  );

/** A 200 answer in the Huina envelope, `data` of type `model`. */
export const ApiHuinaOk = (model: Type, description: string): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        properties: {
          success: { type: 'boolean', example: true },
          statusCode: { type: 'string', example: '0' },
          message: { type: 'string', example: 'OK' },
          data: { $ref: getSchemaPath(model) },
        },
      },
    }),
  );

export const ApiHuinaConflict = (description: string): MethodDecorator =>
  ApiConflictResponse({ type: HuinaErrorDto, description });
