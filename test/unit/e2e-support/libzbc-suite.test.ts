// Counting a libzbc zbc_test.sh run: one result line per case, top-level and inside the layouts
// of section 04 (its children log under 04/<layout>/).
import { describe, expect, it } from 'vitest';
import { parseSuiteResults, summarizeSuite } from '../../e2e/guest/libzbc-suite.js';

const output = [
  '@@RESULT log/sg0/urswrz_y/03/020.log:TESTRESULT==Passed',
  '@@RESULT log/sg0/urswrz_y/03/021.log:TESTRESULT==Failed ACTIVATE unchanged realm 8',
  '@@RESULT log/sg0/urswrz_y/03/024.log:TESTRESULT==N/A No realms of type 0x1',
  '@@RESULT log/sg0/urswrz_y/04/010.log:TESTRESULT==Passed',
  '@@RESULT log/sg0//urswrz_y/04/allcmr/sg0/05/192.log:TESTRESULT==Failed zone_type=0x4',
  '@@RESULT log/sg0//urswrz_y/04/allcmr/sg0/05/020.log:TESTRESULT==Passed (libzbc)',
  '    05.020: REPORT REALMS command completion...[Passed]',
].join('\n');

describe('libzbc suite results', () => {
  it('one result per case line, with the 04 layout of a child run', () => {
    expect(parseSuiteResults(output)).toEqual([
      { layout: '', section: '03', testCase: '020', verdict: 'passed' },
      { layout: '', section: '03', testCase: '021', verdict: 'failed' },
      { layout: '', section: '03', testCase: '024', verdict: 'n/a' },
      { layout: '', section: '04', testCase: '010', verdict: 'passed' },
      { layout: 'allcmr', section: '05', testCase: '192', verdict: 'failed' },
      { layout: 'allcmr', section: '05', testCase: '020', verdict: 'passed' },
    ]);
  });

  it('counts per layout and section, naming the failed cases', () => {
    expect(summarizeSuite(output).split('\n')).toEqual([
      'libzbc results (layout section):',
      'top 03           1 passed, 1 failed, 1 N/A  (03.021)',
      'top 04           1 passed, 0 failed, 0 N/A',
      'allcmr 05        1 passed, 1 failed, 0 N/A  (05.192)',
    ]);
  });
});
