import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import {
  USER_ID_PATTERN,
  EVENT_KEY_PATTERN,
  MAX_MESSAGE_LENGTH,
  SYSTEM_EVENT_SCOPES,
  SYSTEM_EVENT_STATUSES,
  SystemEventScope,
  SystemEventStatus,
} from '@app/domain';

/** Group and user ids, as the CRM hands them out: the domain's user-id rule. */
export const SYSTEM_EVENT_OWNER = USER_ID_PATTERN;

const present = (value: unknown) => value !== undefined;

/** Owner is the group (scope 3) or user (scope 4); scopes 1 and 2 name nobody. */
@ValidatorConstraint({ name: 'ownerForScope' })
class OwnerForScope implements ValidatorConstraintInterface {
  validate(owner: unknown, { object }: ValidationArguments): boolean {
    const scope = (object as { scope?: unknown }).scope;
    if (scope === 3 || scope === 4) return typeof owner === 'string' && SYSTEM_EVENT_OWNER.test(owner);
    return owner === undefined || owner === null;
  }

  defaultMessage({ object }: ValidationArguments): string {
    const scope = (object as { scope?: unknown }).scope;
    return scope === 3 || scope === 4
      ? `owner (the ${scope === 3 ? 'group' : 'user'} id) is required for scope ${scope}`
      : 'owner is only given for scopes 3 (group) and 4 (user)';
  }
}

export class StartSystemEventDto {
  @ApiProperty({
    example: 'FreetextRebuild',
    description: "a predefined key, or your own of the same shape; the backend's own notice keys are reserved",
  })
  @Matches(EVENT_KEY_PATTERN, {
    message: 'eventKey is a letter, then letters, digits, _ . or -, at most 64 characters',
  })
  eventKey!: string;

  @ApiProperty({ enum: SYSTEM_EVENT_SCOPES, description: '1 system-wide, 2 database, 3 group, 4 user' })
  @IsIn(SYSTEM_EVENT_SCOPES)
  scope!: SystemEventScope;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'the group id (scope 3) or user id (scope 4); absent otherwise',
  })
  @Validate(OwnerForScope)
  owner?: string | null;

  @ApiPropertyOptional({ default: '' })
  @ValidateIf((_, value) => present(value))
  @IsString()
  @MaxLength(MAX_MESSAGE_LENGTH)
  message?: string;

  @ApiPropertyOptional({ enum: SYSTEM_EVENT_STATUSES, default: 'active' })
  @ValidateIf((_, value) => present(value))
  @IsIn(SYSTEM_EVENT_STATUSES)
  status?: SystemEventStatus;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'expected finish, ISO-8601 with offset',
  })
  @ValidateIf((_, value) => present(value) && value !== null)
  @IsISO8601({ strict: true })
  eta?: string | null;

  @ApiPropertyOptional({
    example: 'billing',
    description:
      "who started it: always the caller (the API key's name or the token's sub); if given it must be that name. Only while access is open (development) is it taken as given",
  })
  @ValidateIf((_, value) => present(value))
  @Matches(SYSTEM_EVENT_OWNER, { message: 'activatedBy is a user id' })
  activatedBy?: string;

  @ApiPropertyOptional({
    description: 'Idempotency: the same id answers the first result (or use the Idempotency-Key header)',
  })
  @ValidateIf((_, value) => present(value))
  @IsString()
  commandId?: string;
}

export class UpdateSystemEventDto {
  @ApiPropertyOptional({ enum: SYSTEM_EVENT_STATUSES })
  @ValidateIf((_, value) => present(value))
  @IsIn(SYSTEM_EVENT_STATUSES)
  status?: SystemEventStatus;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => present(value))
  @IsString()
  @MaxLength(MAX_MESSAGE_LENGTH)
  message?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'expected finish, ISO-8601 with offset; null clears it',
  })
  @ValidateIf((_, value) => present(value) && value !== null)
  @IsISO8601({ strict: true })
  eta?: string | null;

  @ApiPropertyOptional({
    description: 'Idempotency: the same id answers the first result (or use the Idempotency-Key header)',
  })
  @ValidateIf((_, value) => present(value))
  @IsString()
  commandId?: string;
}
