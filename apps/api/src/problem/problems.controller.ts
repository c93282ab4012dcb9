import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';
import { ProblemException } from './problem';
import { problemKind } from './problem-catalog';

/** `/problems/{slug}`: the `type` URI of every problem answers what the problem means (public, like /docs). */
@ApiTags('operations')
@Controller('problems')
export class ProblemsController {
  @Get(':slug')
  @Public()
  @ApiAnswer(200, 'ProblemDescription', 'what the problem means and what to do about it')
  @ApiProblems('not-found')
  describe(@Param('slug') slug: string) {
    const kind = problemKind(slug);
    if (!kind) throw ProblemException.of(404, 'not-found', 'Not found', `no problem type '${slug.slice(0, 64)}'`);
    return { type: `/problems/${kind.slug}`, title: kind.title, status: kind.status, description: kind.description };
  }
}
