import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes';
import { DidsService } from './dids.service';
import { DidResolutionDto } from './dto/did-views.dto';
import { ProblemDetailsDto } from './dto/problem.dto';
import {
  MEDIA_TYPE,
  PROBLEM_JSON,
  type ProblemDetails,
  type Representation,
  bindingResult,
  classifyDid,
  errorResult,
  negotiate,
  problem,
} from './resolver-binding';

const VERSION_ID = /^[1-9][0-9]{0,9}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The DID Resolution HTTP(S) binding (the Universal Resolver driver path): public, no API key, rate-limited per
 * client address by the global throttler. Answers from the projected cache of this mall's peer.
 */
@ApiTags('did-resolution')
@Public()
@Controller('1.0/identifiers')
export class ResolverController {
  constructor(private readonly dids: DidsService) {}

  @Get(':did')
  @ApiOperation({ summary: 'Resolve a did:mallchain DID (W3C DID Resolution, HTTP(S) binding)' })
  @ApiParam({ name: 'did', example: 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s' })
  @ApiHeader({
    name: 'Accept',
    required: false,
    description: `${MEDIA_TYPE.resolution} (default), ${MEDIA_TYPE.resolutionLd}, ${MEDIA_TYPE.didJson}, ${MEDIA_TYPE.didLdJson}`,
  })
  @ApiQuery({ name: 'versionId', required: false, example: '1' })
  @ApiQuery({ name: 'versionTime', required: false, example: '2026-03-01T02:00:30Z' })
  @ApiProduces(MEDIA_TYPE.resolution, MEDIA_TYPE.resolutionLd, MEDIA_TYPE.didJson, MEDIA_TYPE.didLdJson, PROBLEM_JSON)
  @ApiResponse({ status: 200, type: DidResolutionDto, description: 'the resolution result, or the document alone' })
  @ApiResponse({ status: 400, type: ProblemDetailsDto, description: 'INVALID_DID, INVALID_OPTIONS' })
  @ApiResponse({ status: 404, type: ProblemDetailsDto, description: 'NOT_FOUND (no such DID, version or time)' })
  @ApiResponse({ status: 406, type: ProblemDetailsDto, description: 'REPRESENTATION_NOT_SUPPORTED' })
  @ApiResponse({ status: 410, type: DidResolutionDto, description: 'deactivated (didDocumentMetadata.deactivated)' })
  @ApiResponse({ status: 501, type: ProblemDetailsDto, description: 'METHOD_NOT_SUPPORTED (not did:mallchain)' })
  async resolve(
    @Param('did') did: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const a = await this.#answer(did, query, accept);
    void reply
      .status(a.status)
      .header('content-type', a.type)
      .send(Buffer.from(JSON.stringify(a.body), 'utf8'));
  }

  async #answer(did: string, query: Record<string, unknown>, accept: string | undefined): Promise<Answer> {
    const rep = negotiate(accept);
    if (rep === undefined) {
      const p = problem('representationNotSupported', `none of ${String(accept).slice(0, 200)} is offered`);
      return { status: p.status, type: PROBLEM_JSON, body: p };
    }
    const kind = classifyDid(did);
    if (!kind.ok) return errorAnswer(rep, problem(kind.error, kind.detail));
    const options = optionsOf(query);
    if ('error' in options) return errorAnswer(rep, problem('invalidOptions', options.error));
    const r = await this.dids.resolve(did, options.selector);
    const meta = r.didDocumentMetadata;
    if (r.didDocument === null || !('versionId' in meta))
      return errorAnswer(rep, problem('notFound', `${did} is not anchored${options.at}`));
    const status = meta.deactivated ? 410 : 200;
    if (rep === 'resolution' || rep === 'resolutionLd')
      return { status, type: MEDIA_TYPE[rep], body: bindingResult(r, rep) };
    if (meta.deactivated) {
      const p = problem('deactivated', `${did} is deactivated`);
      return { status: 410, type: PROBLEM_JSON, body: { ...p, didDocumentMetadata: meta } };
    }
    return { status: 200, type: MEDIA_TYPE[rep], body: r.didDocument };
  }
}

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: unknown;
}

type Options =
  { selector: { versionId: string } | { versionTime: string } | Record<string, never>; at: string } | { error: string };

function optionsOf(q: Record<string, unknown>): Options {
  const { versionId, versionTime } = q;
  if (versionId !== undefined && versionTime !== undefined) return { error: 'give versionId or versionTime, not both' };
  if (versionId !== undefined) {
    if (typeof versionId !== 'string' || !VERSION_ID.test(versionId))
      return { error: 'versionId must be a version number such as "1"' };
    return { selector: { versionId }, at: ` at version ${versionId}` };
  }
  if (versionTime !== undefined) {
    if (typeof versionTime !== 'string' || !ISO_TIME.test(versionTime) || Number.isNaN(Date.parse(versionTime)))
      return { error: 'versionTime must be an ISO 8601 date-time with a zone, such as 2026-03-01T02:00:30Z' };
    const iso = new Date(Date.parse(versionTime)).toISOString();
    return { selector: { versionTime: iso }, at: ` at ${iso}` };
  }
  return { selector: {}, at: '' };
}

/** Errors in the representation asked for: inside a resolution result, or as problem details. */
function errorAnswer(rep: Representation, p: ProblemDetails): Answer {
  if (rep === 'resolution' || rep === 'resolutionLd')
    return { status: p.status, type: MEDIA_TYPE[rep], body: errorResult(p) };
  return { status: p.status, type: PROBLEM_JSON, body: p };
}
