import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  DEFAULT_OWNER,
  MODULE_NAME_PATTERN,
  OWNER_NAME_PATTERN,
  OWNER_NAME_RULE,
  TENANT_ID_PATTERN,
} from '@app/domain';

const nullableDate = () => ValidateIf((_, value) => value !== null);
/** Optional text (DESIGN.md §5 rows and package): `null` and `""` both mean none; the domain reads them alike. */
const optionalText = () => ValidateIf((_, value) => value !== null);

export class PackageOwnerDto {
  @ApiProperty({ example: DEFAULT_OWNER })
  @Matches(OWNER_NAME_PATTERN, { message: OWNER_NAME_RULE })
  name!: string;
  @ApiProperty({ type: String, nullable: true, description: 'optional: null or "" for none' })
  @optionalText()
  @IsString()
  @MaxLength(200)
  description!: string | null;
  @ApiProperty({ description: 'X.509 certificate (PEM) of the owner, issued by a trusted root' })
  @IsString()
  @Matches(/-----BEGIN CERTIFICATE-----/, { message: 'certificate must be a PEM certificate' })
  @MaxLength(16_384)
  certificate!: string;
}

export class LicenseeDto {
  @ApiProperty() @IsString() @MaxLength(200) companyName!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(64) serialNumber!: string;
  @ApiProperty({ type: String, nullable: true, description: 'optional: null or "" for none' })
  @optionalText()
  @IsString()
  @MaxLength(64)
  databaseType!: string | null;
}

export class PackageDatesDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @nullableDate()
  @IsISO8601({ strict: true })
  expiration!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @nullableDate()
  @IsISO8601({ strict: true })
  graceTo!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @nullableDate()
  @IsISO8601({ strict: true })
  maintenanceTo!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @nullableDate()
  @IsISO8601({ strict: true })
  adminWarningDate!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @nullableDate()
  @IsISO8601({ strict: true })
  nextCheckDate!: string | null;
}

export class ModuleRowDto {
  @ApiProperty({ example: 'web' }) @Matches(MODULE_NAME_PATTERN) name!: string;
  @ApiProperty({ type: String, nullable: true }) @optionalText() @IsString() @MaxLength(200) description!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) @optionalText() @IsString() @MaxLength(500) tooltip!: string | null;
  @ApiProperty({ type: String, nullable: true }) @optionalText() @IsString() @MaxLength(32) version!: string | null;
  @ApiProperty({ enum: [1, 2, 3], description: '1 system, 2 site, 3 user license' }) @IsIn([1, 2, 3]) type!: 1 | 2 | 3;
  @ApiProperty() @IsInt() @Min(1) number!: number;
  @ApiProperty() @IsBoolean() unrestricted!: boolean;
  @ApiProperty() @IsBoolean() hidden!: boolean;
  @ApiProperty({ enum: [0, 1, 2], description: '0 normal, 1 user plan, 2 site marker' }) @IsIn([0, 1, 2]) extraFlags!:
    0 | 1 | 2;
  @ApiProperty({ type: String, example: 'set=user,web,chat-cal', nullable: true })
  @optionalText()
  @IsString()
  @MaxLength(1000)
  extraInfo!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the module that must be held too; null or "" for none' })
  @optionalText()
  @IsString()
  @MaxLength(64)
  prerequisite!: string | null;
  @ApiProperty() @IsInt() sortOrder!: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2048) signature!: string;
}

export class LicensePackageDto {
  @ApiProperty({ example: 'license-package/v1' }) @Equals('license-package/v1') format!: 'license-package/v1';
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(128) packageId!: string;
  @ApiProperty() @IsInt() @Min(1) sequence!: number;
  @ApiProperty() @IsISO8601({ strict: true }) issuedAt!: string;
  @ApiProperty() @Matches(TENANT_ID_PATTERN) tenantId!: string;
  @ApiProperty({ type: PackageOwnerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PackageOwnerDto)
  owner!: PackageOwnerDto;
  @ApiProperty({ type: LicenseeDto }) @IsObject() @ValidateNested() @Type(() => LicenseeDto) licensee!: LicenseeDto;
  @ApiProperty({ type: PackageDatesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PackageDatesDto)
  dates!: PackageDatesDto;
  @ApiProperty({ type: [ModuleRowDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ModuleRowDto)
  modules!: ModuleRowDto[];
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2048) signature!: string;
}

export class AssignLicenseDto {
  @ApiProperty({ example: 'sales-premium' }) @Matches(MODULE_NAME_PATTERN) module!: string;
  @ApiPropertyOptional({ example: DEFAULT_OWNER, default: DEFAULT_OWNER })
  @ValidateIf((_, v) => v !== undefined)
  @Matches(OWNER_NAME_PATTERN, { message: OWNER_NAME_RULE })
  owner?: string;
  @ApiPropertyOptional({
    description: 'Idempotency: the same id answers the first result (or use the Idempotency-Key header)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  commandId?: string;
}
