/** The owner selector shared by the SSH key pair commands (CloudStack finalizeOwner). */
import { p } from '../../params.js';

export const keyOwnerParams = {
  account: p.string({ doc: 'Owner account (with domainid); defaults to the caller' }),
  domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the owner account' }),
};
