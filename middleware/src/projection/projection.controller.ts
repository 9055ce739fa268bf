import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { UUID_PARAM } from '../common/uuid.pipe';
import { RequireScopes } from '../auth/scopes';
import { ProjectionStatusDto, RebuildReportDto, VerifyReportDto } from './dto/projection-views.dto';
import { QuarantinedEventDto, QuarantineQueryDto, ReapplyReportDto } from './dto/quarantine.dto';
import { RebuildDto, VerifyDto } from './dto/rebuild.dto';
import { ProjectionService, type ProjectionStatus } from './projection.service';
import { QuarantineService, type ReapplyReport } from './quarantine.service';
import type { QuarantinedEvent } from './quarantine.store';
import { RebuildService, type RebuildReport } from './rebuild.service';
import { VerifyService, type VerifyReport } from './verify.service';

@ApiTags('admin')
@ApiKeyAuth()
@Controller('v1/admin/projection')
@RequireScopes('ops:admin')
export class ProjectionController {
  constructor(
    private readonly projection: ProjectionService,
    private readonly rebuilder: RebuildService,
    private readonly verifier: VerifyService,
    private readonly quarantine: QuarantineService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projection checkpoint, lag, listener state and quarantined events' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  status(): Promise<ProjectionStatus> {
    return this.projection.status();
  }

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replay the ledger from block 0 into a fresh schema, compare it with the live read model and, with mode swap, replace it atomically',
  })
  @ApiOkResponse({ type: RebuildReportDto })
  @ApiInputErrors()
  rebuild(@Body() dto: RebuildDto): Promise<RebuildReport> {
    return this.rebuilder.rebuild(dto);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Compare the read model with the world state evaluated on the peer (nothing is written)' })
  @ApiOkResponse({ type: VerifyReportDto })
  @ApiInputErrors()
  verify(@Body() dto: VerifyDto): Promise<VerifyReport> {
    return this.verifier.verify(dto);
  }

  @Get('quarantine')
  @ApiOperation({ summary: 'Chaincode events the projection could not apply, with their errors' })
  @ApiOkResponse({ type: QuarantinedEventDto, isArray: true })
  @ApiInputErrors()
  list(@Query() q: QuarantineQueryDto): Promise<QuarantinedEvent[]> {
    return this.quarantine.list(q.status, q.limit, q.offset);
  }

  @Post('quarantine/:id/reapply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a parked event again (after a fix); keys a later event changed are left alone' })
  @ApiOkResponse({ type: ReapplyReportDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such quarantined event' })
  @ApiConflictResponse({ type: ErrorDto, description: 'not parked, or it still fails (the message says why)' })
  reapply(@Param('id', UUID_PARAM) id: string): Promise<ReapplyReport> {
    return this.quarantine.reapply(id);
  }

  @Post('quarantine/:id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up on a parked event: it stays listed as discarded' })
  @ApiOkResponse({ type: QuarantinedEventDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such quarantined event' })
  @ApiConflictResponse({ type: ErrorDto, description: 'not parked' })
  discard(@Param('id', UUID_PARAM) id: string): Promise<QuarantinedEvent> {
    return this.quarantine.discard(id);
  }
}
