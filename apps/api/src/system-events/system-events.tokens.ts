export { LICENSE_DATE_CHECK, NOTICE_RUNTIME, SYSTEM_EVENTS_RUNNER } from '@app/application';
export { SYSTEM_EVENTS_QUERIES } from './notice-ports.module';
