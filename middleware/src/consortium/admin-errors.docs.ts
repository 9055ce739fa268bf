import { applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../common/api-docs';

/** The answers ADMIN_ERROR_STATUS and consortiumErrorBody (admin-errors.ts) can give besides 400/401/403. */
export const ApiConsortiumErrors = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiNotFoundResponse({ type: ErrorDto, description: 'NOT_FOUND: no such channel, proposal, operation or mall' }),
    ApiConflictResponse({
      type: ErrorDto,
      description: 'ALREADY_EXISTS, SIGNATURES_MISSING (details.missing), STALE_PROPOSAL, or another operation runs',
    }),
    ApiServiceUnavailableResponse({ type: ErrorDto, description: 'NOT_READY' }),
    ApiBadGatewayResponse({ type: ErrorDto, description: 'FABRIC_COMMAND_FAILED: a Fabric command failed' }),
  );
