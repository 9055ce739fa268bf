import { ApiProperty } from '@nestjs/swagger';

/** RFC 9457 problem details, with the DID Resolution error type URIs. */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'https://www.w3.org/ns/did#NOT_FOUND' }) type!: string;
  @ApiProperty({ example: 'The DID does not exist.' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s is not anchored' })
  detail!: string;
}
