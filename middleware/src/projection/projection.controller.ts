import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth } from '../common/api-docs';
import { RequireScopes } from '../auth/scopes';
import { ProjectionStatusDto, RebuildReportDto } from './dto/projection-views.dto';
import { RebuildDto } from './dto/rebuild.dto';
import { ProjectionService, type ProjectionStatus } from './projection.service';
import { RebuildService, type RebuildReport } from './rebuild.service';

@ApiTags('admin')
@ApiKeyAuth()
@Controller('v1/admin/projection')
@RequireScopes('ops:admin')
export class ProjectionController {
  constructor(
    private readonly projection: ProjectionService,
    private readonly rebuilder: RebuildService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projection checkpoint, lag and listener state' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  status(): Promise<ProjectionStatus> {
    return this.projection.status();
  }

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay the ledger from block 0 into a fresh schema and compare it with the live read model',
  })
  @ApiOkResponse({ type: RebuildReportDto })
  @ApiInputErrors()
  rebuild(@Body() dto: RebuildDto): Promise<RebuildReport> {
    return this.rebuilder.rebuild(dto);
  }
}
