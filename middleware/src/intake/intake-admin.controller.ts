import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { UUID_PARAM } from '../common/uuid.pipe';
import { IntakeAdminDto, IntakeListQueryDto, IntakeSummaryDto, IntakeSummaryQueryDto } from './dto/intake-admin.dto';
import { IntakeAdminService, type IntakeSummary } from './intake-admin.service';
import type { IntakeAdminView } from './intake-admin.store';

@ApiTags('intake')
@ApiKeyAuth()
@Controller('v1/admin/intake')
@RequireScopes('ops:admin')
export class IntakeAdminController {
  constructor(private readonly admin: IntakeAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'Intake items by status (dead or pending), most recently changed first, with their history',
  })
  @ApiOkResponse({ type: IntakeAdminDto, isArray: true })
  @ApiInputErrors()
  list(@Query() q: IntakeListQueryDto): Promise<IntakeAdminView[]> {
    return this.admin.list(q.status, q.limit);
  }

  @Get('summary')
  @ApiOperation({
    summary:
      'Items per kind and state (pending, stalled, committed, dead), and accepted per bucket of a window: per hour of the last 24 h, per Asia/Shanghai day of the last 7 or 30 days',
  })
  @ApiOkResponse({ type: IntakeSummaryDto })
  @ApiInputErrors()
  summary(@Query() q: IntakeSummaryQueryDto): Promise<IntakeSummary> {
    return this.admin.summary(q.window);
  }

  @Post(':trackingId/requeue')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put a dead item back in the outbox (same tracking ID); its recorded transaction is looked up first',
  })
  @ApiOkResponse({ type: IntakeAdminDto, description: 'now pending' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no item with that tracking ID' })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'the item is not dead, or it gave its place in its order back when the ledger refused it (`released`)',
  })
  requeue(@Param('trackingId', UUID_PARAM) trackingId: string, @Req() req: AuthedRequest): Promise<IntakeAdminView> {
    return this.admin.requeue(trackingId, req.principal?.keyId ?? 'unknown');
  }
}
