import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';

/**
 * Does what every route does (parse the JSON body, log, answer) and nothing else: the baseline the HTTP
 * benchmarks compare command routes with, in the same process. Mounted only with LICENSING_BASELINE_ROUTE=true.
 */
@ApiExcludeController()
@Controller('baseline')
export class BaselineController {
  @Post('noop')
  @Public()
  @HttpCode(202)
  noop(@Body() body: unknown): { received: boolean } {
    return { received: body !== undefined };
  }
}
