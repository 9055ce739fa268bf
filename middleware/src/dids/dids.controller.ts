import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, Req, type Type } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BodyLimit } from '../common/body-limit';
import { IntakeAckDto } from '../intake/dto/intake-status.dto';
import type { IntakeAck } from '../intake/intake.types';
import type {
  CredentialBatch,
  CredentialStatusCheck,
  DidResolution,
  StatusListVersion,
} from '../ledger/domain/did.ledger';
import { DidsService, selectorOf } from './dids.service';
import { ListIdPipe, MallchainDidPipe, StatusIndexPipe } from './did.pipe';
import {
  AnchorBatchDto,
  AnchorStatusListDto,
  CheckStatusQueryDto,
  CreateDidDto,
  DeactivateDidDto,
  ResolveQueryDto,
  StatusListQueryDto,
  UpdateDidDto,
  VerifyInclusionDto,
} from './dto/did.dto';
import { CredentialStatusDto, DidResolutionDto, InclusionResultDto, StatusListVersionDto } from './dto/did-views.dto';

/**
 * The route of a signed operation on the current version of a DID (`POST /v1/dids/{did}/<op>`): relayed through
 * intake like a creation, and refused with 409 when another operation already replaced that version.
 */
const DidVersionOperation = (op: string, doc: { summary: string; body: Type }): MethodDecorator =>
  applyDecorators(
    Post(`:did/${op}`),
    HttpCode(202),
    RequireScopes('dids:write'),
    ApiOperation({ summary: doc.summary }),
    ApiBody({ type: doc.body }),
    ApiAcceptedResponse({ type: IntakeAckDto }),
    ApiInputErrors(),
    ApiNotFoundResponse({ type: ErrorDto, description: 'unknown DID' }),
    ApiConflictResponse({
      type: ErrorDto,
      description: 'DID_STALE, DID_DEACTIVATED, or another operation on that version',
    }),
  );

/** `/v1/dids`: relay of signed DID operations and status anchors (dids:write), resolution and checks (dids:read). */
@ApiTags('dids')
@ApiKeyAuth()
@Controller('v1/dids')
export class DidsController {
  constructor(private readonly dids: DidsService) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('dids:write')
  @ApiOperation({ summary: 'Create a DID (dids:CreateDid, signed by the key the DID is derived from; intake relay)' })
  @ApiBody({ type: CreateDidDto })
  @ApiAcceptedResponse({ type: IntakeAckDto, description: 'durable; GET /v1/intake/{trackingId} for the outcome' })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'the same DID created with another document' })
  create(@Body() dto: CreateDidDto, @Req() req: AuthedRequest): Promise<IntakeAck> {
    return this.dids.create(dto, req.principal?.keyId);
  }

  @Post('status-lists')
  @HttpCode(202)
  @BodyLimit('batch')
  @RequireScopes('dids:write')
  @ApiOperation({ summary: 'Anchor a Bitstring Status List version (status:AnchorStatusList; issuer-signed)' })
  @ApiBody({ type: AnchorStatusListDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'unknown issuer DID' })
  @ApiConflictResponse({ type: ErrorDto, description: 'this version anchored with other content; issuer deactivated' })
  anchorStatusList(@Body() dto: AnchorStatusListDto, @Req() req: AuthedRequest): Promise<IntakeAck> {
    return this.dids.anchorStatusList(dto, req.principal?.keyId);
  }

  @Get('status-lists/:issuer/:listId')
  @RequireScopes('dids:read')
  @ApiOperation({ summary: 'One anchored version of a status list (default: the latest), from the peer' })
  @ApiOkResponse({ type: StatusListVersionDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such list or version' })
  statusList(
    @Param('issuer', MallchainDidPipe) issuer: string,
    @Param('listId', ListIdPipe) listId: string,
    @Query() q: StatusListQueryDto,
  ): Promise<StatusListVersion> {
    return this.dids.statusList(issuer, listId, q.version === undefined ? undefined : Number(q.version));
  }

  @Get('status-lists/:issuer/:listId/entries/:index')
  @RequireScopes('dids:read')
  @ApiOperation({ summary: "A credential's status: the bit at index in the list version in force at `at`" })
  @ApiOkResponse({ type: CredentialStatusDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such list, or none anchored at that time' })
  checkStatus(
    @Param('issuer', MallchainDidPipe) issuer: string,
    @Param('listId', ListIdPipe) listId: string,
    @Param('index', StatusIndexPipe) index: number,
    @Query() q: CheckStatusQueryDto,
  ): Promise<CredentialStatusCheck> {
    return this.dids.checkStatus(issuer, listId, index, q.at);
  }

  @Post('credential-batches')
  @HttpCode(202)
  @RequireScopes('dids:write')
  @ApiOperation({ summary: 'Anchor the RFC 9162 Merkle root of a credential batch (status:AnchorCredentialBatch)' })
  @ApiBody({ type: AnchorBatchDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'unknown issuer DID' })
  @ApiConflictResponse({ type: ErrorDto, description: 'the batch ID anchored with another root' })
  anchorBatch(@Body() dto: AnchorBatchDto, @Req() req: AuthedRequest): Promise<IntakeAck> {
    return this.dids.anchorBatch(dto, req.principal?.keyId);
  }

  @Post('credential-batches/verify-inclusion')
  @HttpCode(200)
  @RequireScopes('dids:read')
  @ApiOperation({ summary: 'Whether a leaf is included in an anchored batch (RFC 9162 audit path), on the peer' })
  @ApiBody({ type: VerifyInclusionDto })
  @ApiOkResponse({ type: InclusionResultDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such batch' })
  verifyInclusion(@Body() dto: VerifyInclusionDto): Promise<{ included: boolean; batch: CredentialBatch }> {
    return this.dids.verifyInclusion(dto);
  }

  @Get(':did')
  @RequireScopes('dids:read')
  @ApiOperation({
    summary: 'Resolve a DID from the cache (or the peer with consistency=ledger), at versionId or versionTime',
  })
  @ApiOkResponse({ type: DidResolutionDto, description: 'an unknown DID, version or time: 404 with error notFound' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'not anchored (or not at that version or time)' })
  async resolve(@Param('did', MallchainDidPipe) did: string, @Query() q: ResolveQueryDto): Promise<DidResolution> {
    return this.dids.resolveOrThrow(did, selectorOf(q), q.consistency);
  }

  @DidVersionOperation('update', {
    summary: 'Replace the document (dids:UpdateDid), signed by a controller key of the current one',
    body: UpdateDidDto,
  })
  update(
    @Param('did', MallchainDidPipe) did: string,
    @Body() dto: UpdateDidDto,
    @Req() req: AuthedRequest,
  ): Promise<IntakeAck> {
    return this.dids.update(did, dto, req.principal?.keyId);
  }

  @DidVersionOperation('deactivate', {
    summary: 'Deactivate the DID for good (dids:DeactivateDid), signed by a controller key',
    body: DeactivateDidDto,
  })
  deactivate(
    @Param('did', MallchainDidPipe) did: string,
    @Body() dto: DeactivateDidDto,
    @Req() req: AuthedRequest,
  ): Promise<IntakeAck> {
    return this.dids.deactivate(did, dto, req.principal?.keyId);
  }
}
