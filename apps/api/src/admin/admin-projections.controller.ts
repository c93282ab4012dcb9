import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';
import { ProblemException } from '../problem/problem';
import { OnlineRebuilds, RebuildProgress } from './online-rebuilds';

export const ONLINE_REBUILDS = Symbol('ONLINE_REBUILDS');

/** Operations on the running service's projections: administrators with every tenant in scope only. */
@ApiTags('operations')
@Controller('v1/admin/projections')
@Access(Access.operations)
export class AdminProjectionsController {
  constructor(@Inject(ONLINE_REBUILDS) private readonly rebuilds: OnlineRebuilds) {}

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiAnswer(
    202,
    'RebuildProgress',
    'The rebuild runs beside the live read model, which it replaces in one step once caught up.',
  )
  @ApiProblems('unknown-projection', 'rebuild-running', 'projections-not-here')
  rebuild(@Param('name') name: string): RebuildProgress {
    const refusal = this.rebuilds.refusal(name);
    if (refusal)
      throw ProblemException.of(
        refusal.status,
        refusal.slug,
        refusal.status === 404 ? 'Unknown projection' : 'Cannot rebuild now',
        refusal.detail,
      );
    return this.rebuilds.start(name);
  }

  @Get(':name/rebuild')
  @ApiAnswer(
    200,
    'RebuildProgress',
    'The progress of the latest online rebuild of the projection (`idle` if none ran).',
  )
  @ApiProblems('unknown-projection')
  progress(@Param('name') name: string): RebuildProgress {
    const refusal = this.rebuilds.refusal(name);
    if (refusal?.status === 404) throw ProblemException.of(404, refusal.slug, 'Unknown projection', refusal.detail);
    return this.rebuilds.status(name);
  }
}
