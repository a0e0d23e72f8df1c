/** Quota plugin commands (issue #10): a price list over the usage records. */
import type { AnyCommand } from '../../define-command.js';
import quotaTariffList from './quotaTariffList.js';
import quotaTariffCreate from './quotaTariffCreate.js';
import quotaTariffUpdate from './quotaTariffUpdate.js';
import quotaTariffDelete from './quotaTariffDelete.js';
import quotaStatement from './quotaStatement.js';
import quotaCredits from './quotaCredits.js';
import quotaBalance from './quotaBalance.js';
import quotaSummary from './quotaSummary.js';

export const QUOTA_COMMANDS: AnyCommand[] = [quotaTariffList, quotaTariffCreate, quotaTariffUpdate, quotaTariffDelete, quotaStatement, quotaCredits, quotaBalance, quotaSummary];
