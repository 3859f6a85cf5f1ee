import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { TOKEN_TRANSPORTS, type TokenTransport } from 'nestjs-charon';

export class LoginDto {
  @IsString() @IsNotEmpty() @MaxLength(128) username!: string;
  @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
  @IsOptional() @IsIn(TOKEN_TRANSPORTS) tokenTransport?: TokenTransport;
}
