import { Global, Module } from '@nestjs/common';
import { ProjectionController } from './projection.controller';
import { ProjectionService } from './projection.service';
import { ProjectorRegistry } from './projector-registry';
import { RebuildService } from './rebuild.service';

@Global()
@Module({
  controllers: [ProjectionController],
  providers: [ProjectorRegistry, ProjectionService, RebuildService],
  exports: [ProjectorRegistry, ProjectionService, RebuildService],
})
export class ProjectionModule {}
