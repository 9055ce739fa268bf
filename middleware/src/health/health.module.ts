import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IntakeModule } from '../intake/intake.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({ imports: [TerminusModule, IntakeModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
