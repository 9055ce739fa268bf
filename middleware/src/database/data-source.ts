// Entry point of the TypeORM CLI (`npm run migration:run|revert|generate`); the app uses dataSourceOptions().
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDatabaseUrl } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

export default new DataSource(dataSourceOptions(loadDatabaseUrl(process.env)));
