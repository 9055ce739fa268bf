import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** Postgres through TypeORM; pending migrations are applied at start when MIGRATIONS_RUN is set. */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.databaseUrl, config.databasePoolSize),
            migrationsRun: config.migrationsRun,
            logging: ['error'],
          }),
        }),
      ],
    };
  }
}
