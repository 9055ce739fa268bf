import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BadInputError } from '../common/errors';
import { type CustodialDidView, CustodialDidsService } from './custodial-dids.service';

const DID_EXAMPLE = 'did:mallchain:Wbkx3RzL9k6-OxiVydUUaQv5SIWMglU8_DIPj30EwBY';

class CustodialDidDto implements CustodialDidView {
  @ApiProperty({ example: DID_EXAMPLE }) did!: string;
  @ApiProperty({ enum: ['held', 'claimed'] }) status!: 'held' | 'claimed';
  @ApiProperty({ description: 'intake item of the CreateDid (held) or of the claim (claimed)' }) trackingId!: string;
}

class ClaimAnswerDto extends CustodialDidDto {
  @ApiProperty({ enum: ['accepted', 'duplicate'] }) outcome!: 'accepted' | 'duplicate';
}

const CLAIM_EXAMPLE = {
  did: DID_EXAMPLE,
  previousVersionId: '1',
  document: {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: DID_EXAMPLE,
    verificationMethod: [
      {
        id: `${DID_EXAMPLE}#k-q1w2e3r4t5y6u7i8`,
        type: 'JsonWebKey2020',
        controller: DID_EXAMPLE,
        publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      },
    ],
    authentication: [`${DID_EXAMPLE}#k-q1w2e3r4t5y6u7i8`],
    assertionMethod: [`${DID_EXAMPLE}#k-q1w2e3r4t5y6u7i8`],
    capabilityInvocation: [`${DID_EXAMPLE}#k-q1w2e3r4t5y6u7i8`],
  },
  possession: { kid: `${DID_EXAMPLE}#k-q1w2e3r4t5y6u7i8`, signature: 'base64url signature over the update operation' },
};

/** Custodial member DIDs: created for members enrolled without a wallet, handed over by a wallet claim. */
@ApiTags('points')
@ApiKeyAuth()
@Controller('v1/custodial-dids')
export class CustodialDidsController {
  constructor(private readonly custodial: CustodialDidsService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('points:write')
  @ApiOperation({
    summary: 'A new member DID whose key this mall holds (sealed) until the member claims it; CreateDid via the intake',
  })
  @ApiCreatedResponse({ type: CustodialDidDto })
  @ApiInputErrors()
  create(): Promise<CustodialDidView> {
    return this.custodial.create();
  }

  @Get(':did')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'Whether this mall still holds the key of a custodial DID' })
  @ApiOkResponse({ type: CustodialDidDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('did') did: string): Promise<CustodialDidView> {
    if (!/^did:mallchain:[A-Za-z0-9_-]{43}$/.test(did))
      throw new BadInputError('did must be did:mallchain:<43 base64url>');
    return this.custodial.get(did);
  }

  @Post('claim')
  @HttpCode(200)
  @RequireScopes('points:write')
  @ApiOperation({
    summary:
      "The member's wallet claims its custodial DID (`npm run wallet -- did claim`): the mall signs the update to the wallet key and erases its own",
  })
  @ApiBody({ schema: { type: 'object', example: CLAIM_EXAMPLE } })
  @ApiOkResponse({ type: ClaimAnswerDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'not a custodial DID of this mall' })
  @ApiConflictResponse({ type: ErrorDto, description: 'claimed already with another request' })
  @ApiInputErrors()
  claim(@Body() body: unknown): Promise<CustodialDidView & { outcome: 'accepted' | 'duplicate' }> {
    return this.custodial.claim(body);
  }
}
