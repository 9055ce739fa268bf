import { HttpStatus, ParseUUIDPipe } from '@nestjs/common';

/** Path parameters that must be UUIDs: a malformed one is a 400 that says so, never a 404 or 500. */
export const UUID_PARAM = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
