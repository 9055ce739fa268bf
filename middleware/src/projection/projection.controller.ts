import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { RebuildDto } from './dto/rebuild.dto';
import { ProjectionService, type ProjectionStatus } from './projection.service';
import { RebuildService, type RebuildReport } from './rebuild.service';

@ApiTags('admin')
@ApiSecurity('apiKey')
@Controller('v1/admin/projection')
@RequireScopes('admin')
export class ProjectionController {
  constructor(
    private readonly projection: ProjectionService,
    private readonly rebuilder: RebuildService,
  ) {}

  @Get()
  status(): Promise<ProjectionStatus> {
    return this.projection.status();
  }

  /** Replays the ledger from block 0 into a fresh schema and compares it with the live read model. */
  @Post('rebuild')
  @HttpCode(200)
  rebuild(@Body() dto: RebuildDto): Promise<RebuildReport> {
    return this.rebuilder.rebuild(dto);
  }
}
