import type { Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { applyBodyLimits } from '../common/body-limit';
import { registerNdjsonParser } from '../common/ndjson';
import type { AppConfig } from '../config/app-config';
import { registerConsole } from '../console/console-static';
import { captureRawBody } from '../huina/raw-body';
import { MetricsService } from '../metrics/metrics.service';
import { AppModule, requestId } from './app.module';

/** Builds the configured application (not yet listening): Fastify, pino, OpenAPI at /docs, HTTP metrics. */
export async function createApp(config: AppConfig, ledger: Provider): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: false, genReqId: requestId });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, ledger), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  // Routes are registered at init(): these apply to every one of them.
  applyBodyLimits(fastify, { batch: config.batchBodyLimitBytes });
  registerNdjsonParser(fastify, { maxLineBytes: config.ndjsonMaxLineBytes, maxLines: config.ndjsonMaxLines });
  // X-Ca-Signature covers the body bytes: kept for the Huina routes only.
  captureRawBody(fastify, '/huina/', config.batchBodyLimitBytes);
  // The operator console (packages/console), same origin as the API it reads.
  registerConsole(fastify);
  // The same ID for Fastify, the pino request logger (via raw.id) and the client (response header).
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request.raw as { id?: string }).id = request.id;
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('mallchain middleware')
      .setDescription(`REST API of the ${config.mallMspId} middleware: durable intake, read model, webhooks, admin.`)
      .setVersion('0.1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-Ca-Signature',
          description: 'Huina partner signature with X-Ca-Key, X-Ca-Timestamp, X-Ca-Nonce (docs/huina.md)',
        },
        'huinaSignature',
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
