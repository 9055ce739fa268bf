import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { UUID_PARAM } from '../common/uuid.pipe';
import { IntakeAckDto } from '../intake/dto/intake-status.dto';
import type { IntakeAck } from '../intake/intake.types';
import { type CredentialVerification, CredentialsService, type IssuedCredential } from './credentials.service';
import {
  CredentialVerificationDto,
  IssueCredentialDto,
  IssuedCredentialDto,
  IssuerSetupDto,
  VerifyCredentialDto,
} from './dto/credential.dto';

/** Membership credentials (W3C VC, JWT) with a Bitstring Status List entry anchored on the ledger. */
@ApiTags('credentials')
@ApiKeyAuth()
@Controller('v1/dids/credentials')
@ApiServiceUnavailableResponse({ type: ErrorDto, description: 'CREDENTIAL_ISSUER_KEY_FILE not set (issuing routes)' })
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post('issuer')
  @HttpCode(202)
  @RequireScopes('dids:write')
  @ApiOperation({ summary: "Create this mall's issuer DID and anchor version 1 of its membership status list" })
  @ApiAcceptedResponse({ type: IssuerSetupDto })
  initIssuer(): Promise<object> {
    return this.credentials.initIssuer();
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('dids:write')
  @ApiOperation({ summary: 'Issue a "member of program X" credential (VC JWT) with a status list entry' })
  @ApiBody({ type: IssueCredentialDto })
  @ApiCreatedResponse({ type: IssuedCredentialDto })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'the issuer is not set up yet' })
  issue(@Body() dto: IssueCredentialDto): Promise<IssuedCredential> {
    return this.credentials.issue(dto.subjectDid, dto.programId);
  }

  @Post('verify')
  @HttpCode(200)
  @RequireScopes('dids:read')
  @ApiOperation({
    summary: "Verify a credential: the issuer's signature (its DID document) and its status on the ledger",
  })
  @ApiBody({ type: VerifyCredentialDto })
  @ApiOkResponse({ type: CredentialVerificationDto })
  @ApiInputErrors()
  verify(@Body() dto: VerifyCredentialDto): Promise<CredentialVerification> {
    return this.credentials.verify(dto.jwt);
  }

  @Post(':id/revoke')
  @HttpCode(202)
  @RequireScopes('dids:write')
  @ApiOperation({ summary: 'Revoke: set its bit and anchor the next status list version (through the intake)' })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'not issued here' })
  @ApiConflictResponse({ type: ErrorDto, description: 'already revoked' })
  revoke(@Param('id', UUID_PARAM) id: string): Promise<IntakeAck> {
    return this.credentials.revoke(id);
  }
}
