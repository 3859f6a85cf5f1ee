import { IsOptional, IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  /** A label for the key's owner ("CI deploy"), shown in listings. */
  @IsOptional() @IsString() @Length(1, 128) name?: string;
}
