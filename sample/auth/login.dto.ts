import { IsIn, IsNotEmpty, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { TOKEN_TRANSPORTS, type TokenTransport } from 'nestjs-charon';

export class LoginDto {
  @IsString() @IsNotEmpty() @MaxLength(128) username!: string;
  @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
  @IsOptional() @IsIn(TOKEN_TRANSPORTS) tokenTransport?: TokenTransport;
  /** The client's device id: a new login from the same device replaces that device's older sessions. */
  @IsOptional() @IsString() @Length(1, 128) deviceId?: string;
}
