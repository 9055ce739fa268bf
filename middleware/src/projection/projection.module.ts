import { Global, Module } from '@nestjs/common';
import { ProjectionController } from './projection.controller';
import { ProjectionService } from './projection.service';
import { ProjectorRegistry } from './projector-registry';
import { QuarantineService } from './quarantine.service';
import { QuarantineStore } from './quarantine.store';
import { RebuildService } from './rebuild.service';
import { VerifyService } from './verify.service';

@Global()
@Module({
  controllers: [ProjectionController],
  providers: [ProjectorRegistry, ProjectionService, RebuildService, VerifyService, QuarantineStore, QuarantineService],
  exports: [ProjectorRegistry, ProjectionService, RebuildService, VerifyService, QuarantineService],
})
export class ProjectionModule {}
