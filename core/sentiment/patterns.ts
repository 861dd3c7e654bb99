import type { Locale } from "../locale.ts";
import { normalizeText } from "../text/normalize.ts";
import { matchKey } from "./lexicon.ts";

/**
 * Multi-word customer-experience patterns: complaints told as events ("support didn't answer", "still
 * waiting for my refund", "charged twice") and idioms ("won't go back", "to die for", "paha biçilemez",
 * "لا أنصح"). Each is a regular expression over the text's match keys joined by single spaces (so written
 * in lowercase, Turkish in ASCII-folded form; the letters of Arabic and Persian are canonicalized at load, as
 * user text is). A pattern only matches whole tokens; at one position the first pattern listed wins, so
 * exceptions ("can't wait") come before the rule they escape ("can't …"). Write only non-capturing groups.
 */
export type PatternSpec = readonly [source: string, weight: number];

/** English helpers. */
const EN_NOT =
  "(?:(?:did|does|do|have|has|had|would|is|was|were|are)(?:n'?t| not)|won'?t|will not|never|not)";
const EN_CANT = "(?:can'?t|can ?not|couldn'?t|could not|(?:un|not )able to)";
const EN_OUTCOME =
  "(?:arriv(?:e|es|ed)(?: yet)?|answer(?:s|ed|ing)?|respond(?:s|ed|ing)?|repl(?:y|ies|ied)|show(?:s|ed|n)?(?: up)?|come|comes|came|deliver(?:s|ed)?|load(?:s|ed)?|start(?:s|ed)?|register(?:s|ed)?|call(?:s|ed)?(?: back)?|g[eo]t (?:through|back|an?|my|our|any|the)|pa(?:y|id) out|credit(?:ed)?|reimburse[ds]?|work(?:s|ed|ing)?|fix(?:ed|es)?|receive[ds]?|open(?:s|ed)?|resolve[ds]?|refund(?:s|ed)?|help(?:s|ed)?|return(?:s|ed)?|connect(?:s|ed)?|pick(?:ed)? up|turn(?:ed)? (?:up|on)|update[ds]?|exists?|care[ds]?|bother(?:ed)?|listen(?:ed)?|honou?r(?:s|ed)?|solve[ds]?|sen[dt]s?|ship(?:s|ped)?|process(?:ed)?|charge|sync(?:s|ed)?|install(?:s|ed)?|fits?|last(?:s|ed)?|assist(?:s|ed)?|ready|cleaned|available|repair(?:ed)?|replace[ds]?|apologi[sz]e[ds]?|notif(?:y|ied)|inform(?:ed)?|tell|told|explain(?:ed)?|acknowledge[ds]?|confirm(?:ed)?|follow(?:ed)? up|match(?:es|ed)?|rec'?d|address(?:ed)?|heard? (?:back|anything|from)|accepts?|recogni[sz]es?|pairs?|stays?|plays?|provides?|makes? sense|happen(?:ed)?|(?:spoken|speak|spoke|talk|talked) to)";
const EN_AGAIN = "(?:again|anymore|any more|back|ever again)";
const EN_PATRON =
  "(?:buy|buying|order|ordering|use|using|fly|flying|shop|shopping|come|coming|go|going|stay|staying|eat|eating|return|returning|be back|be coming back|be returning|book|booking|visit|visiting|deal|dealing|purchase|purchasing|recommend|use them|choose|choosing|trust)";
const EN_NUM =
  "(?:\\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|many|numerous|countless|a dozen|dozens of)";

/**
 * English. All of a locale's patterns compile to one regular expression, and V8 stops optimizing one whose
 * source passes 20 KB (about ten times slower): keep this list's compiled source under 20,000 characters
 * (a test checks it). Fixed phrases belong in the lexicon (lexicon-en.ts), which costs nothing per pattern.
 */
const EN: readonly PatternSpec[] = [
  // exceptions first: positive idioms built from negative-looking words
  [
    "(?:can(?:'?t|not)|could(?:n'?t| not)) (?:have )?(?:be|been) (?:any |much )?(?:more )?(?:happier|better|easier|simpler|smoother|more (?:happy|pleased|satisfied|thankful|grateful|impressed))|(?:can(?:'?t|not)|couldn'?t) (?:say enough|recommend (?:\\S+ )?enough|praise (?:\\S+ )?enough|fault|complain|beat|go wrong|ask for (?:more|better|anything more)|be happier|wait|believe how good)",
    0.8,
  ],
  [
    "(?:never|didn'?t|don'?t|doesn'?t|won'?t|not) (?:disappoint|disappoints|disappointed|fails|fail to|let (?:me|us) down)",
    0.6,
  ],
  [
    "(?:never|nothing|not anything|no reason|not a thing|didn't have anything|haven't had anything)(?: \\S+)?(?: \\S+)? to complain(?: about)?|never (?:had|have|has|experienced|encountered) (?:a |any |an |one )?(?:single )?(?:problem|problems|issue|issues|complaint|complaints|bad|trouble|complain)",
    0.7,
  ],
  ["(?:nothing|no reason|not a thing) to complain about", 0.6],
  [
    "(?:keeps|keep|kept) (?:on )?(?:working|going|improving|running|getting better|me (?:warm|dry|cool|safe|busy|coming back|informed|updated))|kept (?:me|us) (?:informed|updated|posted)|keep (?:it up|it coming|up the good work)",
    0.5,
  ],
  [
    "(?:highly|strongly|totally|definitely|100%|would|will|i) recommend(?:ed)?|must (?:try|have|buy|visit)|worth (?:every|the) (?:penny|cent|dollar|money|wait|price)|exceeded (?:my|our|all) expectations|a\\+",
    0.8,
  ],
  [
    "(?:nothing|none|no \\S+) (?:is |are |works |sounds |comes )?(?:better|close)|(?:exactly|just|precisely) what (?:i|we) (?:wanted|needed|ordered|expected|was looking for|were looking for|asked for)|(?:well|nicely|beautifully|solidly) (?:made|built|designed|packed|packaged|organized|done|priced|maintained|worth)|(?:works|worked|fits|fit|held up|kept up|holds up|performs|performed|runs|ran|stays on|stays put)(?: (?:my|me|our|us|the|in|into|on) \\S+)? (?:very |really |so |extremely |pretty |perfectly |quite )?well|(?:wise|good|great|best|smart) (?:decision|choice|purchase|buy|investment)|without (?:any |a )?(?:effort|hassle|hitch|fuss|problem|problems|issue|issues|complaint|complaints)|does (?:everything|all) (?:it|i) (?:should|needs?|wanted|promised|says)",
    0.6,
  ],
  // idioms of praise and of refusal, suggestions that are complaints, "too …", sarcasm and escalation
  [
    "(?:(?:would|wo|do|did)n'?t|(?:would|will|do) not|never) (?:\\S+ )?hesitate(?: to)?|(?:can'?t|cannot|couldn'?t) recommend(?: \\S+){0,3} (?:enough|more highly)|never (?:been|felt|seen|had) (?:\\S+ )?(?:happier|better|more (?:satisfied|pleased|impressed))|(?:it|this|that)(?:'s| is| was) (?:a |an |such a )?(?:joy|pleasure|delight|treat|breeze|dream)|(?:does|did|gets|got) (?:the|its|a great|a good) job(?: done)?|does what it (?:says|should|promises|claims)|(?:would|i'd|we'd|will|i'll|we'll|can't wait to) (?:\\S+ )?(?:love|like|happy|glad) to (?:come|go|return|visit|stay|eat|order|buy|book|try|use|shop) (?:\\S+ )?(?:again|back|soon|more)",
    0.7,
  ],
  [
    "(?:fixed|solved|resolved|sorted(?: out)?|handled|took care of) (?:my |the |our |all )?(?:\\S+ )?(?:issues?|problems?)|handled (?:\\S+ ){0,3}(?:well|perfectly|professionally|beautifully)|(?:does|did|do)(?:n'?t| not) charge (?:me |us |you )?(?:any|an?|extra|for)",
    0.6,
  ],
  [
    "without (?:(?:my|our|any|prior) (?:consent|permission|authori[sz]ation|notice|warning|explanation)|(?:telling|asking|informing|notifying|warning) (?:me|us))|(?:logs?|logged|kicks?|kicked) (?:me|us) out",
    -0.5,
  ],
  [
    "(?:do|did|does|would|wo)(?:n'?t| not) (?:really |particularly |much |even )?(?:like|liked|care for)|never liked|(?:the )?less (?:i|we) (?:like|enjoy|love)d?|only (?:good|positive|redeeming|saving|nice|decent) (?:thing|part|aspect|feature)",
    -0.5,
  ],
  [
    "(?:i|we|really|also|definitely|totally|absolutely|everyone|everybody|kids) (?:really |do |still |just |also |all |both |actually |definitely )?(?:like|likes|liked)",
    0.5,
  ],
  [
    "(?:would|could|should)(?: have)? (?:been|be) (?:really |so |very )?(?:nice|great|good|helpful|appreciated|better|ideal|perfect|convenient|lovely)(?! for| with| as)|(?:needs?|needed) (?:\\S+ )?(?:to be )?(?:a )?better|better be|knows better|(?:would|i'd|we'd) (?:love|like|appreciate)(?: to)? (?:know|understand|get an? (?:answer|response|reply|explanation|refund))|(?:would|i'd|we'd) appreciate (?:a|an|some|it if)",
    -0.35,
  ],
  [
    "(?:not|never|nothing|\\S+n'?t) (?:\\S+ ){0,3}(?:too|overly) (?:big|bulky|small|large|loud|salty|sweet|spicy|greasy|expensive|pricey|long|slow|heavy|hot|noisy|crowded|busy|bad|hard)",
    0.3,
  ],
  [
    "too (?:big|small|large|tiny|loud|quiet|salty|sweet|spicy|greasy|oily|dry|expensive|pricey|long|short|slow|heavy|tight|loose|thin|hot|cold|noisy|dark|crowded|busy|complicated|bulky|fragile|weak|bitter|many|much|often|late|cramped|hard|difficult|few|little|pushy|rushed|flimsy)",
    -0.45,
  ],
  [
    "(?<=^|[.!?,;]+ )so much for|so so(?= [.!?,;]|$)|never fails to (?:disappoint|frustrate|let (?:me|us) down)|good luck (?:with|getting|trying|finding|if|reaching)|(?:are|r) you (?:serious|joking)|how (?:hard|difficult) (?:is it|can it be)",
    -0.5,
  ],
  [
    "do(?:n'?t| not) (?:be fooled|fall for)|(?:my|our) business elsewhere|(?:go|going|went|look|looking|shop|eat|stay|try|order) (?:somewhere |anywhere )?else(?:where)?|(?:buy|get|choose|find|pick|try) (?:something|anything) else|(?:buy|get|choose|pick) (?:a |an )?(?:different|another) \\S+|(?:use|try|go with) (?:a )?(?:different|another) (?:company|provider|bank|carrier|airline|app|service|store|shop|place|restaurant|hotel|brand|seller)",
    -0.6,
  ],
  [
    "last time (?:i'm |i am |we're |i'll |i will |ever )?(?:order|buy|us|fly|stay|shopp|com|eat|book|visit|deal)ing|(?:stopped|quit|stop) (?:us|buy|order|fly|go|shopp|eat|com|bank|recommend|trust)ing|(?:i'm|i am|we're|we are|will be|ended up|end up|will|i'll|we'll|going to|gonna) (?:be |\\S+ )?(?:returning|return|send(?:ing)? back) (?:it|them|this|these|mine|the \\S+|everything)",
    -0.7,
  ],
  [
    "(?:(?:does|did|wo|ca|could)n'?t|(?:does|did) not|not) (?:even )?(?:do|get) (?:the|its|a) job|(?:do|does|did)(?:n'?t| not) (?:\\S+ )?(?:match|look like|resemble)|(?:looks?|looked|is|was) nothing like|(?:froze|frozen|locked|closed|blocked|suspended|hacked|drained|emptied) (?:my|our) (?:account|card|fund)s?|(?:got|get|made (?:me|us)|felt) (?:sick|ill)|(?:sick|ill) (?:after|from)|for no (?:apparent |good )?reason|took (?:my|our) money|(?:nothing|none of (?:them|these|it|the \\S+)|not a (?:\\S+ )?thing) (?:ever |really |quite )?(?:worked|works)(?: properly| right| as (?:advertised|described|promised))?",
    -0.6,
  ],
  [
    "(?:have|has|had) yet to (?:hear|receive|get|see|arrive|respond|reply|answer|call|refund|fix)|yet to (?:hear|receive)|(?:heard|got|received) nothing|nothing (?:has )?(?:happened|changed)|nothing (?:they|he|she|anyone|we|i) (?:can|could) do|(?:i|we) (?:finally |just )?gave up|(?:getting|gets) (?:real |really |very |pretty )?old|(?:does|did)(?:n'?t| not) make (?:any )?sense|below (?:average|par|expectations|standards?)|(?:loses|looses|lost|losing|drops) (?:the |its |my )?(?:connection|signal|charge|reception|bluetooth|wifi)|forget (?:about )?it(?= [.!]|$)",
    -0.5,
  ],
  [
    "lost (?:a|another|one|my|our) (?:\\S+ )?(?:customer|client|business)|(?:has|have|needs) to be a better way|what kind of (?:\\S+ )?(?:service|company|business|place|support|operation|hotel|restaurant|store|bank) (?:is (?:this|that)|are you)|(?:file|filed|filing|open|opened) (?:a )?(?:legal case|lawsuit|complaint|formal complaint|chargeback|dispute)|(?:contact|call|calling|get|talk to|speak to) (?:my )?(?:lawyer|attorney)|(?:report|reported|reporting) (?:you|them|this|it) to|dispute (?:the|this|a) charge|(?:please|pls|plz|someone|somebody|anyone|a little|need some) help|help (?:me|us) (?:please|pls)|(?:over|more than|almost|nearly) (?:an|a|one|two|three|\\d+) (?:hours?|hrs?)|(?:\\d+|an|a|one|two|three|four|five) (?:hours?|hrs?|mins?|minutes) (?:on hold|hold|wait|waiting|delay|late|queue|in line)",
    -0.45,
  ],
  [
    "why (?:do|does|did|is|are|was|were|would|should|can'?t|won'?t|(?:do|does|did|is|was|are|have|has)n'?t|on earth|the hell) (?:you|they|it|this|that|your|the|u|he|she|no one|nobody|(?:i|we) (?:have|need|keep|always|pay|get))",
    -0.3,
  ],
  // refusals to recommend and never-again
  [`(?:${EN_NOT}|${EN_CANT}|wouldn't|would never) (?:\\S+ )?recommend(?:ed|ing)?`, -0.8],
  [
    `(?:${EN_NOT}|will never|would never|not going to|never going to|ain't|no way i'll|no way i will) (?:\\S+ )?${EN_PATRON}(?: \\S+)?(?: \\S+)? ${EN_AGAIN}`,
    -0.8,
  ],
  [
    "last time (?:i|we) (?:\\S+ )?(?:order|ordered|buy|bought|use|used|fly|flew|stay|stayed|shop|shopped|come|came)|won't be back|won't go back|won't return",
    -0.8,
  ],
  [
    "(?:will|would|i'll|we'll|i'd|we'd|definitely|gonna|going to|can't wait to|cant wait to) (?:definitely |certainly |surely |happily |gladly )?(?:buy|order|purchase|come|go|stay|use|book|fly|shop|eat|return|visit|recommend)(?: \\S+)?(?: \\S+)? again|(?:will|i'll|we'll|would) (?:definitely |certainly |surely )?be (?:back|returning|coming back)|as (?:described|advertised|expected|pictured|promised)",
    0.6,
  ],
  [
    "(?:do(?:n'?t| not)|never) (?:waste|bother)|waste of (?:\\S+ )?(?:time|money|space)|wasted (?:\\S+ )?(?:time|money|hours|day|evening|trip|afternoon|morning|effort)|wasting (?:my|our|your) (?:time|money)|(?:stay|keep) away|avoid (?:at all costs|like the plague|this|them|it)",
    -0.8,
  ],
  [
    "(?:zero|0|no|one|1) stars?|(?:0|1)/(?:5|10)|(?:ok|okay|decent|average|fine|good|mediocre|passable|acceptable|edible|so-so|meh) at best|far from (?:\\S+ )?(?:good|great|perfect|ideal|acceptable|it)",
    -0.6,
  ],
  [
    "not worth (?:it|the|a|your|my|our|\\S+ (?:money|price|time|wait))|not what (?:i|we) (?:expected|ordered|asked for|paid for|wanted)|not as (?:described|advertised|pictured|expected|promised|shown)",
    -0.7,
  ],
  [
    "(?:used to be|was once) (?:\\S+ )?(?:good|great|better|nice|decent|amazing|excellent|my favorite|my favourite)|(?:not|isn'?t|wasn'?t) (?:what|as good as) it used to be|(?:has|have) gone (?:way )?downhill",
    -0.6,
  ],
  [
    "(?:site|website|app|application|system|server|servers|network|internet|wifi|wi-fi|connection|signal|phone lines?|portal|page|checkout|payment|atm|card) (?:is |was |are |were |has been |have been |keeps |kept |always |still )?(?:going |being )?(?:down|not working|broken|crashing|crashed|unavailable|offline|glitching|unusable|dead|frozen|freezing|timing out)|(?:was|were|got|being|am|are|is|felt) (?:\\S+ )?(?:forced|made|pressured) to|lost (?:my|our|his|her|the) (?:bag|bags|luggage|order|package|parcel|reservation|booking|data|files|money|deposit|card|suitcase|items?)",
    -0.6,
  ],
  [
    "never (?:got|get|received|saw|heard) (?:my|our|the|a|any|an|back|anything|it|them)|(?:found|there was|there were|had) (?:a |an |some |two |several )?(?:hair|hairs|bug|bugs|cockroach|cockroaches|roach|roaches|insect|insects|fly|flies|worm|glass|plastic|mold|mould|stain|stains|blood)|bed ?bugs|(?:forgot|forgotten|forget|lost|messed up|mixed up|got) (?:about )?(?:my|our|the) (?:order|drink|drinks|food|appetizer|dessert|request|reservation|booking|room|name)(?: wrong)?|wrong (?:order|item|items|size|dish|room|bill|amount|charge)|(?:smelled|smells|smelt|stank|stinks|reeked|reeks) (?:like|of|bad|awful|terrible)|(?:dropped|dropping|drops) (?:calls|my calls|the call|connection)|no (?:signal|service|reception|coverage|hot water|wifi|wi-fi|internet)|(?:paper|really|very|so) thin walls",
    -0.6,
  ],
  [
    "(?:does|do|did|doing|done) (?:absolutely |literally |practically |basically )?nothing|(?:not|isn't|wasn't|nothing) like (?:what )?(?:it|they|the \\S+|you)(?: \\S+)? (?:said|says|mentioned|described|advertised|promised|showed|shown|pictured)",
    -0.5,
  ],
  // complaints told as events
  [
    "(?:thanks|thank you|thx|ty) (?:so much |a lot |again )?for (?:nothing|ruining|wasting|losing|ignoring|cancelling|canceling|delaying|stranding|charging|the (?:vague|canned|standard|generic|automated|useless|copy|same|robotic|non|lack|delay|wait)|your (?:vague|canned|standard|generic|automated|useless|copy|same|robotic|non|lack)|(?:not|never) )|(?:need|needs|needed) (?:a |some |serious |major )?(?:better|work|improvement|improving|to improve|to be fixed|fixing)",
    -0.45,
  ],
  [
    "(?:do(?:n'?t| not)|never|wouldn't|would not) (?:ever )?(?:buy|order|purchase|book|use|trust|go|eat|stay|fly|shop)(?: (?:this|it|here|there|them|from|with|at))?(?![^ ])|(?:buyer|customers?) beware|be (?:very )?careful|save (?:your|yourself|ur) (?:money|time|the trouble)|(?:sending|send|sent|returning|returned|return|took|taking|bring|brought) (?:it|them|this|these|everything|the \\S+) back|(?:threw|throwing|throw|thrown|flushed) (?:my|your|our|the) money|(?:i|we) regret (?:buying|ordering|booking|it|this|choosing|going|coming|staying)|(?:expected|expect|deserve|deserved|could do|can do|could be|could have been|should be|should have been) (?:a lot |much |far |way |a )?(?:better|more)|better than (?:this|these|that one|this one|it)(?![^ ])|defeats the (?:whole )?purpose|(?:is|are|was|were) (?:sorely |seriously |severely )?lacking|(?:runs|ran|run|drains|drained|dies|died|wears|wore|breaks|broke) (?:down |out |off )?(?:very |so |too |really )?(?:quickly|fast|soon|rapidly|easily)",
    -0.65,
  ],
  [
    "(?:only|barely) (?:worked|works|lasted|lasts)|(?:worked|lasted) (?:for )?(?:about |only |just |maybe )?(?:a|an|one|two|three|few|\\d+) (?:\\S+ )?(?:days?|weeks?|months?|hours?|uses|times)|(?:stopped|quit|stops|quits|ceased) (?:working|charging|responding|functioning|loading|syncing|holding)|(?:broke|died|failed|stopped|cracked) (?:after|within|in) (?:about |only |just )?(?:a|an|one|two|three|few|\\d+)|gave up on (?:me|us)|(?:won'?t|doesn'?t|didn'?t|does not|did not) (?:hold|holds|keep|take) (?:a |the |its |my )?(?:charge|charges)",
    -0.6,
  ],
  [
    "still (?:sitting|stuck|on the tarmac|at the gate|in line|in the queue|do not|does not|did not|waiting|waitin|not|no|haven'?t|hasn'?t|nothing|broken|can(?:'?t|not)|doesn'?t|don'?t|isn'?t|pending|on hold|unresolved|unanswered|hasn't been|have not|has not|no word|no response|no reply|no refund|no sign)",
    -0.6,
  ],
  [
    `(?:keeps|keep|kept|keep on|constantly|always|continually|repeatedly) (?:on )?(?:crashing|crash|crashes|failing|fails|freezing|freezes|dropping|drops|disconnecting|disconnects|logging (?:me|us) out|breaking|falling (?:out|off|apart)|coming (?:off|loose|apart)|lagging|glitching|stalling|hanging|rebooting|restarting|charging (?:me|us)|cancelling|canceling|delaying|losing|getting (?:worse|cancelled|canceled|delayed)|asking|sending (?:me|us) (?:to|back)|transferring|hanging up|happening|going down|shutting down|turning off|dying|not working|\\S+ing)`,
    -0.6,
  ],
  [
    `(?:${EN_CANT}) (?:even |seem to |seems to )?(?:figure|upload|store|get (?:it|them|this|the \\S+) to|accept|recognize|recognise|pair|sync|hold|play|read|log ?in|login|sign ?in|check ?in|get (?:through|in|a hold|ahold|anyone|an answer|a refund|my)|reach|find|access|use|connect|download|open|pay|book|cancel|change|contact|speak|talk|hear|track|make|believe|stand|recommend|charge|install|update|see|load|complete|submit|return)`,
    -0.5,
  ],
  [
    `(?:nobody|no one|noone|no-one|no body|none of (?:them|the staff)) (?:\\S+ )?(?:answered|answers|answer|called|calls|came|comes|cared|cares|responded|responds|replied|replies|helped|helps|help|knows|knew|showed|picked|got back|gets back|contacted|bothered|seemed|was (?:available|there|able)|is (?:available|able)|could|would|listens|listened|apologized)`,
    -0.6,
  ],
  [
    `${EN_NOT} (?:even |once |yet |ever |properly |really |actually |seem to |seemed to |bother to |bother |care to |try to |even try to |want to )?${EN_OUTCOME}`,
    -0.5,
  ],
  [
    `(?:charged|billed|debited|deducted|taken) (?:me |us |my card |my account )?(?:twice|double|two times|three times|again|extra|more than)|double (?:charged|billed|charge)|hidden (?:fees|charges|costs)`,
    -0.6,
  ],
  [
    `(?:had|have|having|need|needed) to (?:buy (?:a |an )?(?:different|another|new|second)|purchase (?:a |an )?(?:different|another|new|second)|replace|call|email|contact|ask|wait|chase|explain|go back|return|repeat|complain|send|fight|beg|remind|follow up|call back|keep calling|escalate)`,
    -0.4,
  ],
  [
    `(?:called|emailed|asked|contacted|tried|wrote|messaged|phoned|complained|visited|chased|texted)(?: \\S+)?(?: \\S+)? ${EN_NUM} times|for the (?:second|2nd|third|3rd|fourth|4th|fifth|5th|\\d+th|umpteenth|nth|last) time`,
    -0.5,
  ],
  [
    `(?:waited|waiting|wait|on hold|held|sat|stuck|queued|took|takes|taking)(?: for| over| more than| almost| nearly| about| around| at least)* (?:\\d+|an|a|one|two|three|four|five|six|several|many|forty|45)(?: \\+| plus|\\+)? (?:hours?|hrs?|mins?|minutes|days?|weeks?|months?)`,
    -0.45,
  ],
  [
    "(?:took|takes|taking|take) (?:forever|ages|an eternity|way too long)|on hold (?:for|again|forever)|hung up (?:on|the phone)|(?:got|was|were|been|get|getting) (?:hung up on|disconnected|cut off|ignored|overcharged|scammed|ripped off|transferred|bounced around|passed around|nowhere)",
    -0.6,
  ],
  [
    `(?:arrived|came|served|delivered|showed up|got here|was|were|is|are|turned up|received it)(?: out| back| in)?(?: completely| totally| very| super| already| stone| ice| a bit| all)? (?:cold|late|broken|damaged|stale|missing|wrong|dirty|soggy|opened|leaking|cracked|incomplete|expired|used|melted|raw|burnt|burned|undercooked|overcooked|lukewarm|smashed|crushed|torn|spoiled|rotten|moldy|mouldy|defective|faulty|dead|empty|half empty)`,
    -0.6,
  ],
  [
    "no (?:response|reply|replies|answer|help|call back|callback|refund|solution|update|updates|word|explanation|apology|compensation|follow up|follow-up|one (?:answered|came|called|helped|cared))|not (?:even )?(?:a|an|one|single) (?:call|email|reply|response|word|apology|sorry)|(?:wouldn't|would not|didn't|did not|won't|will not|wont|refused to|refuse to|refuses to) let (?:me|us|my|our)|(?:don'?t|doesn'?t|do not|does not|didn'?t|could(?:n'?t| not)|never) (?:\\S+ )?give (?:a|one|2|two) (?:damn|shit|shits|crap|fuck|hoot)|(?:where is|where's|wheres|where are) (?:my|our|the|your) (?:\\S+ )?(?:order|refund|package|money|bag|bags|parcel|delivery|food|luggage|item|items|customer service|service|support|help|staff|suitcase)|(?:want|need|demand|demanding|requesting|request) (?:a |my |our |full )?(?:refund|money back)|(?:asked|requested|begged) (?:for )?(?:a |the |my )?(?:refund|manager|supervisor)",
    -0.5,
  ],
  [
    "(?:cancel|cancelled|canceled|canceling|cancelling|close|closing|closed) (?:my|our) (?:order|subscription|account|membership|plan|service|card|contract)|(?:switching|switched|switch|moving|going|leaving) to (?:another|a different|other|a new) (?:\\S+ )?(?:company|provider|bank|carrier|airline|app|service|store|shop|place|restaurant|hotel)",
    -0.5,
  ],
  [
    `(?:was|were|got|been|get) (?:never |not )?(?:told|promised) (?:\\S+ )?(?:\\S+ )?but (?:never|nothing|no)|(?:nothing|none|not a single thing) (?:was |has been |got )?(?:done|fixed|resolved|solved)|(?:it|this|that) (?:is|was|'s) (?:a )?(?:joke|nightmare|disaster|scam|ripoff|rip off)|what a (?:joke|waste|nightmare|disaster|mess|scam|letdown|let down)`,
    -0.7,
  ],
];

/** Persian. */
const FA_NEG_VERB =
  "(?:نمیخرم|نخرید|نخرین|نگیرید|نگیرین|نخرم|نمیگیرم|سفارش نمیدم|سفارش نمیدهم|خرید نمیکنم|استفاده نمیکنم|نمیام|نمیایم|نمیرم|نمیروم)";
/** Never-again verbs that only read as a refusal after "دیگه", "هرگز", "هیچوقت" ("سفر نمی‌کنم" alone is not). */
const FA_AGAIN_VERB =
  "(?:سفر نمیکنم|سفر نمیکنیم|پرواز نمیکنم|رزرو نمیکنم|رزرو نمیکنیم|نمیمونم|نمیمونیم|برنمیگردم|برنمیگردیم|سفارش نمیدیم|خرید نمیکنیم|استفاده نمیکنیم|نمیخریم|نمیریم|اقدام نمیکنم|تمدید نمیکنم|معامله نمیکنم|حساب باز نمیکنم|توصیه نمیکنم|پیشنهاد نمیکنم|سمتشون نمیرم|طرفشون نمیرم)";
/** Persian possessive and plural endings a service noun may carry ("اینترنتم", "سفارشمون", "عکسش"). */
const FA_POSS = "(?:م|ت|ش|مون|تون|شون|ها|های|هام|هاش|ای|ی|مو|رو)?";
/** Things a customer waits for or pays for, with their endings. */
const FA_THING = `(?:سفارش|بسته|کالا|مرسوله|غذا|پیک|راننده|تاکسی|تکنسین|مامور|کارشناس|پیامک|پیام|کد|رمز|ایمیل|پول|مبلغ|وجه|شارژ|کارت|بار|محموله|جنس|اجناس|خرید|تراکنش|درخواست)${FA_POSS}`;
const FA: readonly PatternSpec[] = [
  [
    "از (?:اون |این |هیچ |اون همه )?(?:مشکل|مشکلات|کندی|تاخیر|خرابی|قطعی|هنگ|ایراد|دردسر|ارور|خطا|باگ)\\S* (?:\\S+ )?خبری (?:نیست|نبود|نشد|نیس)|(?:دیگه |دیگر |هیچوقت |هرگز )?(?:سراغ|سمت|از) (?:جای|جاهای|فروشگاه|فروشگاههای|رستوران|برند|بانک|شرکت|سایت) (?:دیگه|دیگر|دیگهای|دیگری)\\S* (?:\\S+ )?(?:نمیرم|نمیریم|خرید نمیکنم|نمیخرم|سفارش نمیدم|نمیرم دیگه)|(?:یک|یه|دو|همون|همان) ?(?:روزه|ساعته|روز) (?:\\S+ )?(?:رسید|به دستم رسید|تحویل شد|تحویل دادن|ارسال شد|اومد)",
    0.6,
  ],
  // praise told as events, and praise built from negative-looking words
  [
    `(?:مشکل|مشکلات|ایراد|خرابی|اشکال|مسئله)${FA_POSS}(?: \\S+)?(?: \\S+)? (?:حل|رفع|برطرف) ?(?:ش)? (?:شد|کرد|کردن|کردند|شده|کردید|کردین)|(?:حل|رفع|برطرف)ش (?:کرد|کردن|کردند|کردید|کردین)|نمیشه (?:\\S+ )?(?:ایراد|ایرادی|عیب|عیبی) (?:گرفت|گذاشت)|هر ?چی(?:ی)? (?:\\S+ )?(?:بگم|بگیم|تعریف کنم) (?:کمه|کم است|کم گفتم)|هر چه (?:\\S+ )?بگویم کم است|(?:چیزی|هیچی|هیچ چیزی) کم (?:نداشت|نداره|ندارد|نذاشتن|نذاشتند|نگذاشتند|نذاشت)|ارزش(?:ش|شو|شون|شونو)? (?:رو |را )?(?:داره|دارد|داشت|داشتن)`,
    0.6,
  ],
  [
    "(?:باز ?هم|بازم|دوباره|حتما دوباره|مجدد|مجددا)(?: \\S+)?(?: \\S+)? (?:میام|میایم|میاییم|میخرم|میخریم|میگیرم|سفارش میدم|سفارش میدیم|سفارش میدهم|خرید میکنم|خرید میکنیم|میرم|میریم|میمونم|میمونیم|رزرو میکنم|انتخابشون میکنم|استفاده میکنم|برمیگردم|برمیگردیم)|مشتری (?:دائم|دائمی|همیشگی|ثابت|پر و پا قرص)\\S*|(?:کار|کارشون|کارش|کارتون|کارتان)(?: خیلی| واقعا)? (?:درسته|درست است|درسته واقعا)|(?:بی|بی‌) ?(?:نظیر|نقص)(?:ه|ن|ید|ین|ی)?|همون (?:چیزی|چیزیه|چیزی بود)(?: \\S+)?(?: \\S+)? (?:میخواستم|میخواستیم|لازم داشتم|دنبالش بودم)|(?:دقیقا )?مطابق (?:با )?(?:عکس|توضیحات|تصویر|سفارش)\\S* (?:بود|است|هست|بودن|اومد|رسید)",
    0.6,
  ],
  [
    "(?:مو|سوسک|حشره|مگس|کرم|شیشه) (?:\\S+ )?(?:توی|تو|داخل|لای) (?:غذا|غذام|غذامون|سالاد|سوپ|نوشیدنی|اتاق)|(?:اب|آب) گرم (?:\\S+ )?(?:نداشت|نبود|نداره|قطع)|بوی (?:سیگار|نم|بد|گند|تعفن|کپک)|سفارش(?:م|مون|ها)? (?:\\S+ )?(?:اشتباه|اشتباهی|ناقص) (?:اومد|آوردن|اوردن|ارسال|بود|رسید)",
    -0.65,
  ],
  [
    "(?:سایت|اپ|اپلیکیشن|برنامه|سیستم|اینترنت|نت|شبکه|آنتن|انتن|درگاه|پرداخت|وای فای|وایفای|مودم|گوشی|لپ تاپ|لپتاپ|تلویزیون|کولر|بخاری|اسانسور|برق|گاز)(?:م|مون|ش|شون|تون|ها)?(?: \\S+)? (?:بالا نمیاد|بالا نمیآید|باز نمیشه|باز نمیشود|قطعه|قطع بود|قطع شد|قطع میشه|خرابه|خراب بود|خراب شد|از دسترس خارج|ارور میده|خطا میده|هنگه|هنگ کرد|کار نمیکنه|کار نمیکرد|وصل نمیشه)",
    -0.6,
  ],
  [
    "قبلا(?: \\S+){0,4}? (?:بهتر|بهتری|بهتره|خوشمزه تر|خوشمزهتر|بهتر بود)|(?:بهتره|بهتر است|بهتر بود|بهترن) (?:ازش|از این|از اون)|(?:ازش|از این|از اون) (?:\\S+ )?(?:بهتر|بهتره|بهتری)|نا (?:مناسب|مرغوب|خوشایند|کافی|راضی|امن|سالم|مطلوب)|(?:انتظارم|توقعم|انتظار|توقع)(?: \\S+)?(?: \\S+)? (?:بیشتر|بالاتر) بود",
    -0.6,
  ],
  [
    "(?:سایر|بقیه|دیگه|دیگر|مشابه|قبلی|قبلا|قبلیا)(?: \\S+)?(?: \\S+)? (?:بهتر|بهتره|بهتری|بهترن|بهترند|بهتر است|بهتر بود|بهتر بودن|بهتر بودند)|(?:کیفیت|طعم|مزه|کارایی|دوام|کیفیتی|طعمی|مزهای) (?:\\S+ )?(?:نداشت|نداره|ندارد|نداشتن|نداشتند)|(?:نمیپسندم|نمیپسندیم|نپسندیدم|نپسندیدیم|نمپسندیم|نپسندید|نپسندیدن)|مورد پسند (?:\\S+ )?(?:نبود|نیست|نشد|واقع نشد)|(?:عکس|تصویر|توضیحات|سایت|تبلیغات|تبلیغ)(?:ش|ها|هاش|اش|شون)?(?: \\S+)?(?: \\S+)?(?: \\S+)? (?:متفاوت|متفاوته|متفاوت است|متفاوت بود|فرق میکنه|فرق داره|فرق داشت|مطابقت نداشت|مطابقت نداره|همخوانی نداشت|همخوانی نداره|مطابق نبود|مطابق نیست)|منصرف (?:میشید|میشین|شدم|میشوید)|حال (?:به ?هم|بهم) (?:زن|زنه|زن بود)|حالبهمزن|چندش|پولم (?:به )?(?:حدر|هدر)|خرید نکنم|خرید نمیکنم",
    -0.6,
  ],
  [
    "بدردنخور|بدردنمیخوره|(?:بدرد|به درد) (?:\\S+ )?(?:نمیخوره|نمیخورد|نخور|نخورد|نمیخورن)|(?:بی|بدون) (?:کیفیت|کیفیتترین|کیفیتی)|بیکیفیت(?:ترین|ه|ی)?|کیفیت (?:\\S+ )?(?:پایین|پایینی|پائین|ضعیف|ضعیفی|افتضاح|بد|بدی|افتضاحی)|(?:اومده|آمده|امده|اومد) پایین|افت (?:کرده|کیفیت|کرد)|(?:بار|دفعه) (?:اول|اولین) و (?:آخر|اخر|آخرین|اخرین)|اولین و (?:آخرین|اخرین)|گول (?:خوردم|خوردیم|نخورید|نخورین)|فریب (?:خوردم|نخورید|نخورین)|(?:ریختم|ریختیم|انداختم|انداختیم) دور|دور (?:ریختم|ریختیم|انداختم|انداختیم)|(?:انتظار|توقع) (?:\\S+ )?(?:بیشتری|بیشتر|خیلی بیشتری) (?:داشتم|داشتیم|میره|میرفت)|چنگی به دل|نه \\S+ (?:داره|دارد|داشت) نه|بوی (?:بد|بدی|نامطبوع|زننده)|بو (?:میداد|میده|میدادن|میدادند|گرفته)|(?:قابل|قابله) (?:استفاده|خوردن|مصرف) (?:نیست|نبود|نیس|نی)",
    -0.7,
  ],
  [
    "(?:شک نکنید|شک نکنین|شک نکن|تردید نکنید|تردید نکنین|دریغ نکنید|حتما بخرید|حتما بخرین|حتما بگیرید|حتما بگیرین|حتما امتحان کنید|پیشنهاد میکنم|پیشنهاد میشه|پیشنهاد میشود|توصیه میکنم|توصیه میشه|توصیه میشود|ارزش خرید داره|ارزش خرید دارد|ارزششو داره|ارزشش رو داره|بی نظیر|بینظیر|بی نقص|بینقص)",
    0.7,
  ],
  [
    "(?:(?:هیچوقت|هیچ وقت|هرگز|تا حالا|تاحالا|تا الان|اصلا|تا به حال|تابحال|واقعا|واقعا هم) )?(?:جای (?:هیچ )?(?:گله|شکایت)(?:ای)? (?:نیست|نداره|ندارد|نداشت)|(?:(?:هیچوقت|هیچ وقت|هرگز|تا حالا|تاحالا|تا الان|اصلا|تا به حال|تابحال) )?(?:هیچ )?(?:مشکلی|ایرادی|عیبی|گله ای|شکایتی|مشکل|ایراد|نقصی|تاخیری|معطلی|دردسری|خط و خشی|خط و خش|خراشی|ترکی|کم و کسری|کم و کاستی|عیب و ایرادی|قطعی|ارور|خطایی|باگی) (?:\\S+ )?(?:نداشت|نداره|ندارد|نداشتم|نداشتیم|نیست|نبود|ندیدم|ندیدیم|پیش نیومد|پیش نیامد|پیدا نکردم)|(?:(?:هیچوقت|هیچ وقت|هرگز|تا حالا|تاحالا|اصلا) )?(?:ناامید|ناامیدم|ناامیدمون|ناراضی|پشیمون|پشیمان)(?: \\S+)? (?:نکردن|نکرد|نکردند|نمیکنن|نمیکنه|نشدم|نشدیم|نمیشید|نمیشین|نمیشی|نمیشوید|نخواهید شد|نیستم|نیستیم)|(?:از دست(?:ش|شون)? (?:ندید|ندین|نده|ندهید))|(?:(?:چیزی|هیچی|هیچ چیزی) )?کم (?:نذاشتن|نذاشتند|نگذاشتند|نذاشت|نمیذارن|نمیذاره|نگذاشت)|سنگ (?:تموم|تمام) (?:گذاشتن|گذاشتند|گذاشت|میذارن|گذاشتید|گذاشتین)|ضرر (?:نمیکنید|نمیکنین|نمیکنی|نکردم|نکردیم|نمیکنم))",
    0.5,
  ],
  [
    "(?:پیشنهاد نمیکنم|پیشنهاد نمیکنیم|پیشنهاد نمیشه|پیشنهاد نمیشود|توصیه نمیکنم|توصیه نمیشه|توصیه نمیشود|اصلا پیشنهاد|به هیچ عنوان|به هیچ وجه|ارزش خرید نداره|ارزش خرید ندارد|ارزش نداره|ارزش ندارد|نمیارزه|نمی ارزه|نمیارزد)",
    -0.8,
  ],
  [
    `(?:دیگه|دیگر|هرگز|هیچوقت|دیگه هیچوقت)(?: \\S+){0,4}? (?:${FA_NEG_VERB}|${FA_AGAIN_VERB})|${FA_NEG_VERB}|دیگه هرگز|(?:آخرین|اخرین) (?:بار|باره|باری|باریه|دفعه|دفعست|دفعه ای|دفعه ست)|اخرین خریدم|آخرین خریدم|پولتون رو دور نریزید|پولتونو دور نریزید|دور نریزید|پول دور ریختن|پولم (?:\\S+ )?(?:هدر|دور ریخته|حروم)|هدر رفت|وقتم (?:\\S+ )?(?:تلف|هدر)|اتلاف وقت|وقت تلف کردن|سر کاری|ارزش(?:ش|شو|شون|شونو)? (?:رو |را )?(?:\\S+ )?(?:نداره|ندارد|نداشت|نداشتن)|کلاهبرداری|کلاه برداری|کلاهبردار`,
    -0.8,
  ],
  [
    "(?:جواب|پاسخ|جوابی|پاسخی|پاسخگو|پاسخگویی|جوابگو) (?:\\S+ )?(?:ندادن|ندادند|نداد|ندادید|ندادین|نمیدن|نمیدهند|نمیده|نمیدید|نیستن|نیستند|نبودن|نبودند|نبود|نیست|نگرفتم|نشنیدم|نمیدادن)",
    -0.6,
  ],
  [
    "(?:تماس|زنگ) (?:\\S+ )?(?:نگرفتن|نگرفتند|نگرفت|نزدن|نزدند|نزد|نمیگیرن|نمیزنن)|(?:کسی|هیچکس|هیچ کس) (?:\\S+ )?(?:\\S+ )?(?:جواب|پاسخ|تماس|زنگ|نیومد|نیامد|پیگیری|اهمیت|توجه|توضیح|کمک|رسیدگی|پاسخگو|جوابگو|برنمیداره|برنمیداره|برنداشت|برنداشتن|نبود|نیست|اعتنا|محل)",
    -0.6,
  ],
  [
    "(?:هنوز|هنوزم|تا الان|تا حالا|هنوز که هنوزه)(?: \\S+)?(?: \\S+)? (?:نرسیده|نرسید|منتظر|منتظرم|نیومده|نیامده|خبری نیست|خبری نشده|جوابی|پاسخی|برنگشته|برنگردوندن|واریز نشده|بازگشت داده نشده|درست نشده|حل نشده|ارسال نشده)",
    -0.6,
  ],
  [
    "(?:به دستم |به دستمون )?(?:نرسید|نرسیده|نرسیده است)|ارسال نشد|ارسال نکردن|ارسال نکردند|تحویل نشد|تحویل ندادن|تحویل ندادند|کار نمیکنه|کار نمیکند|کار نکرد|کار نکرده|کار نمیکرد|روشن نمیشه|روشن نشد|باز نمیشه|باز نشد|وصل نمیشه|وصل نشد|درست نشد|درست نکردن|حل نشد|حل نکردن|برنگشت|برنگردوندن|برنگرداندند|پس نگرفتن|پس نگرفتند|عودت ندادن",
    -0.55,
  ],
  ["(?:هی|مدام|دائم|دائما|همش|همیشه|مرتب|هر روز)(?: \\S+)? (?:قطع|هنگ|خراب|ارور|خطا|کرش|بسته|قفل)", -0.6],
  [
    "(?:دو|سه|چهار|پنج|چند|چندین|\\d+|ده|بیست) (?:بار|دفعه|مرتبه) (?:\\S+ )?(?:زنگ|تماس|پیگیری|ایمیل|پیام|مراجعه|شکایت)|مجبور (?:شدم|شدیم) (?:\\S+ )?(?:زنگ|تماس|پیگیری|برگردونم|پس بدم|مراجعه)",
    -0.5,
  ],
  [
    "(?:دوبار|دو بار|دو مرتبه) (?:\\S+ )?(?:\\S+ )?(?:کسر|کم|برداشت|پرداخت|شارژ) (?:شد|کردن|کردند|شده)|(?:پول|مبلغ|وجه|پولم)(?: \\S+)? (?:برنگشت|برنگشته|برنگردوندن|واریز نشد|عودت نشد)|کسر شد ولی|کسر شده ولی",
    -0.6,
  ],
  [
    "(?:سرد|دیر|شکسته|خراب|له|باز شده|ناقص|اشتباه|تاریخ گذشته|آسیب دیده|اسیب دیده|کثیف|کپک زده|فاسد|خیس|پاره) (?:\\S+ )?(?:رسید|بود|اومد|آمد|امد|تحویل داده شد|به دستم رسید|ارسال شد|رسیده|اومده|بودن)",
    -0.6,
  ],
  ["(?:مرسی|ممنون|ممنونم|تشکر|دستتون درد نکنه|دمتون گرم) (?:بابت|برای|از) (?:هیچی|هیچ چی|هیچ|هیچ چیز)", -0.8],
  [
    "(?:اندازه|حجم|مقدار|وزن|سایز|پرس|کیفیت|طعم)\\S* (?:\\S+ )?(?:\\S+ )?(?:کوچیک|کوچک|کم|کمتر|نصف|بدتر|پایین|پایینتر) (?:شده|شد|شدن|شده است)|(?:خودبخود|خود به خود|خودش|یهو|یکهو|یه دفعه)(?: \\S+)? (?:خاموش|ریست|قطع|هنگ|ری استارت)|خبری (?:\\S+ )?(?:نیست|نشد|نشده|نبود)|(?:دو|سه|چهار|پنج|چند|چندین|\\d+|ده) (?:بار|دفعه|مرتبه) (?:\\S+ )?(?:رفتم|رفتیم|اومدم|اومدیم|مراجعه کردم|حضوری رفتم)|(?:هماهنگ|منظم|طبق برنامه|سر وقت) (?:نبود|نیست|نبودن|نیستن)",
    -0.55,
  ],
  [
    "(?:کارمزد|هزینه|قیمت|تعرفه|کرایه|هزینه ارسال|قیمتها)\\S* (?:هم |خیلی |واقعا )?(?:پایین|پایینه|کمه|ناچیز|ناچیزه|منصفانه|منطقیه|مناسبه)",
    0.5,
  ],
  [
    "(?:لاگین|وارد|ارسال|انجام|پرداخت|ثبت|فعال|پیامک|اس ام اس|لود|بارگذاری|دانلود|نصب|اپدیت|بروزرسانی|تایید|وصل|اجرا|ورود) (?:نمیشه|نمیشود|نمیشد|نمیکنه)|(?:از حساب|از حسابم|از برنامه|از اپ|از اپلیکیشن) (?:\\S+ )?(?:خارج|بیرون) (?:میشه|میکنه|میشم|شد|میندازه|میشد)|بدون اینکه (?:\\S+ )?(?:بپرسن|بپرسند|بگن|بگویند|اطلاع بدن|خبر بدن|هماهنگ کنن)|(?:وقت|نوبت|قرار) (?:دادن|دادند|داده بودن|گذاشتن) (?:و|ولی|اما) (?:\\S+ )?(?:نیومدن|نیامدند|نیومد|نیامد|خبری نشد|کنسل کردن|لغو کردن)|طولش (?:دادن|دادند|میدن|میدهند)|لفتش (?:دادن|میدن)|(?:کلی|خیلی|چند ماه|ماهها) طول (?:کشید|میکشه|دادن)|(?:پشتیبانی|پاسخگویی|نظارت|راه ارتباطی|شماره تماس|پشتیبانی تلفنی)\\S*(?: \\S+)? (?:وجود نداره|وجود ندارد|وجود نداشت|نداره|ندارن|نداشت|نداشتن)|بعد از (?:یه|یک|دو|سه|چند|\\d+) (?:هفته|ماه|روز) (?:\\S+ )?(?:اومد|رسید|جواب دادن|جواب داد|پاسخ دادن|پاسخ داد)|پر از (?:باگ|ایراد|مشکل|تبلیغ|تبلیغات|خطا|اشکال|ارور)\\S*|تبلیغات\\S* (?:\\S+ )?(?:زیادی|زیاد|خیلی زیاد|زیاده|اعصاب خرد کن|مزاحم)|(?:هی|مدام|همش|دائم|دائما|مرتب) (?:\\S+ )?(?:نوتیفیکیشن|پیامک|پیام|تبلیغ|اس ام اس|ایمیل|زنگ)\\S* (?:میفرسته|میفرستن|میده|میاد|میدن|میزنن)",
    -0.55,
  ],
  [
    "(?:اشتباه|اشتباهی|ناقص) (?:اوردین|اوردن|اوردید|اوردند|فرستادین|فرستادن|فرستادید|فرستادند|زدن|زدین|حساب کردن|حساب کردین|تحویل دادن|دادن|دادین)|نمیشد (?:\\S+ )?(?:حرف زد|خوابید|نشست|استفاده کرد|تحمل کرد|نفس کشید)|(?:پارکینگ|اسانسور|وای فای|وایفای|صبحانه|حوله|تهویه|کولر|شوفاژ|امکانات|صابون|دستمال)(?:ش|هاش|شون)? (?:نداشت|نداره|ندارد|نبود|نداشتن|نیست)|(?:جواب|پاسخ) (?:\\S+ )?(?:نمیداد|نمیدادند|نمیدن|نمیدهند)",
    -0.5,
  ],
  // complaints told as events in many domains
  [
    `${FA_THING} (?:\\S+ )?(?:\\S+ )?(?:نیومد|نیامد|نیومده|نیامده|نیومدن|نیامدند|نمیاد|نمیاید|نمیآید|نمیرسه|نرسیده|نرسید|واریز نشد|واریز نشده|برنگشت|برنگشته)`,
    -0.55,
  ],
  [
    "(?:لغو|کنسل) (?:شد|کردن|کردند|کرد|کردید|کردین|کرده|شده|میکنن|کردم)|(?:بدون|بی) (?:هیچ )?(?:اطلاع|هماهنگی|اجازه|خبر)(?: قبلی)?|(?:(?:پول|مبلغ|هزینه|کرایه) (?:\\S+ )?)?(?:اضافه|اضافی|بیشتری|بیشتر) (?:از من |ازم |ازمون |از ما )?(?:گرفتن|گرفت|گرفتند|حساب کردن|حساب کرد|کم کردن|کسر کردن|کشیدن)|(?:کارمزد|جریمه)(?: \\S+)? (?:الکی|اضافه|اضافی|بیخودی)",
    -0.55,
  ],
  [
    "(?:هزینه|قیمت|قیمتها|قیمتاش|کارمزد|کرایه|تعرفه|هزینه ارسال|هزینه پیک|هزینههاش|قبض|صورتحساب)\\S* (?:(?!کمی |یکم |یکمی |نسبتا |یه )\\S+ )?(?:(?:ان|این|اون|هم|خیلی|بسیار|واقعا|شدیدا|به شدت|فوق العاده|خیلیی) ){0,2}(?:زیاد|زیاده|زیادی|بالا|بالاست|بالاس|نجومی|سرسام اور|گزاف|گرون|گرونه|گران|خیلی زیاده)(?: اومده| اومد| میاد| شده| میگیرن)?(?![^ ])",
    -0.35,
  ],
  [
    "سرعت\\S* (?:\\S+ )?(?:\\S+ )?(?:پایین|پایینه|پایینی|کم|کمه|افتضاح|افتضاحه|داغون|لاک پشتی|صفر)|(?:انتن|سیگنال|پوشش)\\S* (?:\\S+ )?(?:نمیده|نداره|نداشت|نمیداد|ندارم|نداریم|ندارن|ضعیف\\S*|قطع\\S*|نیست|نبود)",
    -0.55,
  ],
  [
    "(?:پاسخگویی|پشتیبانی|کیفیت|خدمات|رسیدگی|مدیریت|برخورد|نظافت|بهداشت|امنیت|ادب|احترام)\\S* (?:\\S+ )?(?:صفر|زیر صفر|منفی)|صفر مطلق|پشت خط (?:\\S+ )?(?:موندم|ماندم|میمونم|میمونیم|موندیم|معطل|منتظر)|(?:تلفن|گوشی|تماس|خط)\\S*(?: رو| را)? (?:\\S+ )?(?:قطع (?:کرد|کردن|کردند|میکنن|میکنه)|برنمیدارن|برنمیداره|برنداشتن|برنداشت|جواب نمیدن|جواب نمیده)|قطع و وصل|(?:قطع|هنگ|کرش|ارور) (?:میشه|میشد|میشود|شد|شده|کرد|میکنه|میکرد|کرده|میده|داد)|داغ (?:میکنه|میکند|میشه|میشود|کرد|میکرد|کرده|شده)",
    -0.55,
  ],
  [
    "(?:زود|سریع|سریعا|خیلی زود|خیلی سریع|یه روزه|یک روزه|دو روزه)(?: \\S+)? (?:خالی|تموم|تمام|خراب|داغ|پاره|کثیف|بیات|کند|هنگ|قطع|خط|رنگ|شکست|ترک|باد|پوسته|پوسید)\\S*|شارژ\\S* (?:\\S+ )?(?:نمیمونه|نمیمونه|نگه نمیداره|نمیکشه|دوام نداره)|(?:خط|خش|ترک|لک) (?:و خش |و خط )?(?:افتاده|داشت|داره|برداشته|خورده|دار|داشتن)|(?:خط و خش|خط و خشی|ترک خورده)|دست دوم (?:\\S+ )?(?:فرستادن|دادن|بهم دادن|بود|اومد|رسید|دادند)|(?:کارکرده|استفاده شده) (?:\\S+ )?(?:فرستادن|بود|اومد|رسید)",
    -0.6,
  ],
  [
    "(?:اهمیت|اهمیتی|ارزشی|بها|بهایی|توجه|توجهی|محل|احترام|اعتنا|اعتنایی)(?: \\S+)? (?:نمیدن|نمیدهند|نمیده|ندادن|نداد|نمیدادن|نمیذارن|نذاشتن|قائل نیستن|قائل نیستند|نمیکنن|نکردن|نکردند)|(?:هیچ )?(?:پیگیری|اقدامی|کاری|کمکی|توضیحی|رسیدگی|توضیح|کمک|پاسخ درستی|جواب درستی|جواب درست)(?: انجام| درست و حسابی)? (?:ندادن|ندادند|نداد|نکردن|نکردند|نکرد|نشد|نمیکنن|نمیکنه|نمیدن|نمیده)|(?:رسیدگی|پیگیری|صادر|واریز|انجام|ثبت|فعال|تایید|اصلاح|تعمیر|جایگزین|تعویض|عوض|قبول|پذیرش|جبران|استرداد) (?:نشد|نشده|نشده است|نشدن|نمیشه|نمیشود|نکردن|نکردند|نکرده|نکردین|نکرد|نمیکنن|نمیکنه|نمیکنند)",
    -0.6,
  ],
  [
    "(?:ساعت|ساعته|روز|روزه|روزه که|هفته|هفتس|هفتست|ماه|ماهه|ماهه که|دقیقه|دقیقست)(?: است| که| هست)? (?:\\S+ )?(?:که )?(?:منتظر|منتظرم|منتظریم|معطل|معطلم|معطلیم|پیگیرم|پیگیر|در انتظار|علافم|علاف|سر میدوانند|سر میدوونن)\\S*|(?:علاف|سر ?گردون|سرگردان|الاف)\\S*|(?:سر|سرمون|سرم|سرمان) (?:\\S+ )?کلاه (?:گذاشتن|گذاشتند|گذاشت|رفت)|سر ?کار(?:م|مون|مان)? (?:گذاشتن|گذاشتند|گذاشته|گذاشتید|گذاشتین|میذارن)|(?:سر|سرمون|سرم) (?:\\S+ )?(?:دووندن|دواندند|میدوونن|میدوانند)",
    -0.65,
  ],
  [
    "(?:نمیتونم|نمیتونیم|نتونستم|نتونستیم|نمیتوانم|نتوانستم|نتوانستیم|امکان) (?:\\S+ )?(?:\\S+ )?(?:وارد|لاگین|پرداخت|ثبت|تماس|وصل|استفاده|باز|دانلود|نصب|برداشت|انتقال|بخوابیم|بخوابم|ورود|بخوابیم|برم|بریم|پیدا|ارتباط|حرف بزنم|صحبت کنم)\\S*(?: \\S+)?(?: \\S+)?(?: ندارم| نداره| نیست| نبود| نشد)?|(?:اعصاب|اعصابم|اعصابمو|اعصابمون|اعصابمونو)\\S* (?:\\S+ )?(?:خورد|خرد|داغون|بهم|به هم)\\S*(?: \\S+)?|حال(?:م|مون|مان)? (?:به ?هم|بهم) (?:خورد|میخوره|میخورد|زد)|(?:خسته|ذله|کلافه|عاصی|دیوونه|دیوانه) (?:شدم|شدیم|کردن|کردند|کرد|کردید|کردین|شده ام)|(?:خستم|خستهم|خستمون|خستهمون|ذلمون|ذلم|کلافم|کلافمون) (?:کردن|کرد|کردند|کردید)|(?:ابرو|ابرومون|ابروم|ابرومو)(?: \\S+)? (?:رفت|ریخت|بردن|برد)|(?:دروغ|وعده|قول)(?: \\S+)? (?:دادن|دادند|دادید|داد|گفتن|گفتند|گفتید) (?:ولی|اما|و) (?:\\S+ )?(?:عمل نکردن|عمل نکرد|انجام ندادن|نیومد|خبری نشد|خبری نیست|نکردن)|(?:بدقولی|خلف وعده|زیر قولشون زدن|زیر قولشون|عمل نکردن|عمل نکردند|عمل نمیکنن)|(?:کارت|کارتم|کارتمو|کارتمون)\\S* (?:رو |را )?(?:خورد|بلعید|ضبط کرد)|سفارش\\S* (?:رو |را )?(?:نگرفت|نگرفتن|نگرفتند|دیر گرفتن)|شبیه (?:\\S+ )?(?:عکس|تصویر|توضیحات|تبلیغات)\\S* (?:نیست|نبود|نیس|نی|نبودن)",
    -0.6,
  ],
  [
    "(?:پول|پولم|پولمو|پولمون|پولمونو|مبلغ|وجه|بیعانه|ودیعه|هزینه)(?: رو| را| ها)? (?:\\S+ )?(?:پس|بر) ?(?:نمیدن|ندادن|نمیدهند|ندادند|نمیگردونن|نگردوندن|نمیده|نداد|نمیگردونه)|(?:میپره بیرون|میپرد بیرون|پرید بیرون|خودش بسته میشه|خود به خود بسته میشه|خودش خاموش میشه|خاموش میشه|ریست میشه|ری استارت میشه)|حوصل\\S* سر (?:رفت|رفته|میره|رفتش)|(?:دفعه|بار) (?:اخرمه|اخره|اخرمونه|اخریه|اخرمه که)|(?:واقعا|واقعاً) که(?= [.!?,;]|$)|ول (?:کرد|کردن|کردند) (?:و )?(?:رفت|رفتن|رفتند)|(?:دووم|دوام) (?:\\S+ )?(?:نمیاره|نداره|نداشت|نیاورد|نمیاورد|نمیکنه|نکرد)|(?:اصل|اصلی|اورجینال|اوریجینال) (?:نبود|نیست|نیس|نبودن|نیستن|نمیباشد)",
    -0.6,
  ],
  [
    "(?:پاسخی|جوابی|پولی|کالایی|سفارشی|پیامکی|تماسی|خبری|ایمیلی|نتیجه ای|نتیجهای)(?: \\S+)? (?:دریافت نکردم|دریافت نکردیم|دریافت نشد|نگرفتم|نگرفتیم|نرسید|نیومد|نشد|ندیدم|ندیدیم)|(?:فایده|فایده ای|فایدهای|نتیجه|نتیجه ای|نتیجهای|اثری|تاثیری|ثمری) (?:نداشت|نداره|ندارد|نکرد|نداد|نگرفتم|نگرفتیم)|(?:فقط|همش|همیشه|هر بار) (?:\\S+ )?(?:وعده|قول|بهونه|بهانه) (?:میدن|میدهند|دادن|دادند|میارن|میاورن|اوردن)|وعده سر خرمن|(?:وعده|قول)(?: ی| های)? (?:الکی|پوچ|دروغ|توخالی)",
    -0.6,
  ],
];

/** Arabic, including Gulf and Egyptian spellings. */
/**
 * Arabic word lists are long (every clitic, dialect and conjugation spelled out), and V8 stops optimizing a
 * regular expression whose source passes 20 KB, which makes matching several times slower. So each group of
 * plain alternatives in an Arabic pattern ("(?:تاخر|تاخرت|تاخروا)") is canonicalized and rewritten as a
 * prefix tree ("(?:تاخر(?:ت|وا)?)"): the same matches, a far shorter source.
 */
interface ArTrie {
  end: boolean;
  readonly next: Map<string, ArTrie>;
}

function arTrieSource(node: ArTrie): string {
  const children = [...node.next];
  if (children.length === 0) return "";
  const literal = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  const leaves = children.every(([, child]) => child.next.size === 0);
  let body: string;
  if (children.length > 1 && leaves) body = `[${children.map(([ch]) => literal(ch)).join("")}]`;
  else {
    const alts = children.map(([ch, child]) => literal(ch) + arTrieSource(child));
    body = alts.length === 1 ? (alts[0] ?? "") : `(?:${alts.join("|")})`;
  }
  if (!node.end) return body;
  const single = body.length === 1 || body.startsWith("[") || (body.startsWith("(?:") && children.length > 1);
  return single ? `${body}?` : `(?:${body})?`;
}

function arWordsSource(words: readonly string[]): string {
  const root: ArTrie = { end: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.end = true;
  }
  const body = arTrieSource(root);
  return body.startsWith("(?:") && root.next.size > 1 ? body : `(?:${body})`;
}

const AR_LITERAL_GROUP_RE = /\(\?:([^()[\]\\?*+{}.|]+(?:\|[^()[\]\\?*+{}.|]+)+)\)/g;

function compactArabic(specs: readonly PatternSpec[]): PatternSpec[] {
  const key = (run: string): string => matchKey(normalizeText(run, "ar"), "ar");
  return specs.map(([source, weight]): PatternSpec => {
    const canonical = source.replace(/[^ -~]+/g, key);
    return [
      canonical.replace(AR_LITERAL_GROUP_RE, (_group, body: string) => arWordsSource(body.split("|"))),
      weight,
    ];
  });
}

const AR_NOT =
  "(?:ما|لم|لا|مش|مو|محد|ماحد|ما احد|ولا احد|لا احد|مافي احد|ولا|ولم|وما|لسه ما|للحين ما|ابد ما)";
const AR_OUTCOME =
  "(?:رد|ردو|ردوا|يرد|يردون|يردو|ترد|وصل|وصلت|وصلني|وصلتني|يوصل|توصل|يصل|تصل|وصلنا|اشتغل|اشتغلت|يشتغل|تشتغل|اتصل|اتصلوا|اتصلو|يتصل|جاء|جا|جاني|جات|يجي|تجي|يعمل|تعمل|عمل|يفتح|تفتح|فتح|يستجيب|استجاب|تواصل|تواصلوا|تواصلو|يتواصل|حلوا|حلو المشكله|انحلت|يرجع|رجع|رجعوا|رجعو|ارجعوا|استلم|استلمت|يشحن|شحن|شحنوا|سلموا|سلمو|يسلم|ضبط|يضبط|زبط|تجاوب|تجاوبوا|اهتموا|يهتمون|يحلون|صلحوا|صلحو|يصلح|يصلحون|ارسلوا|ارسلو|يوصلني|يعوضون|عوضوني|يعوضوني|يفهمون|يفهم|فهموا|فهمو|يعرفون|يعرفوا|عرفوا|عرفو|يحترمون|احترموا|يساعدون|يساعد|ساعدوني|ساعدوا|ساعدو|يبلغوني|بلغوني|ابلغوني|اعتذروا|اعتذرو|يعتذرون|نفذوا|ينفذون|التزموا|يلتزمون|عطوني|اعطوني|يعطوني|حلوها|يحلونها|بيرد|بيردوا|بيردو|بيشتغل|بتشتغل|بيوصل|بيفتح|بيشحن|يشحن|تشحن|يرجعون|يتجاوبون|يسمعون|سمعوا|اهتم|يهتم|سلموني|يسلموني|انحلت|انحل|عبروني|عبرونا|يعبرونك|يعبرون|يعبروني|عبروا|عبرو|يعطيك|يعطونك|يعطونا|عطونا|يعطينا|يدعم|تدعم)";
const AR: readonly PatternSpec[] = compactArabic([
  // exceptions first: praise built from negative-looking words ("ولا أروع", "ما في أحلى منه")
  [
    "(?:ولا|ما في|مافي|ما فيه|مافيه|مفيش|مافيش|لا يوجد|لايوجد|ما شفت|ماشفت|ما جربت|ماجربت|لم ار|لم اجد|ما لقيت|مالقيت)(?: \\S+)? (?:احلى|اروع|افضل|احسن|اجمل|الذ|اطيب|اسرع|انظف|ارقى|اجود|اريح|ابدع) ?(?:منه|منها|منهم|من كذا|من هيك|من كده|من هذا|من هذي)?",
    0.75,
  ],
  [
    "(?:ما|ما في|مافي|ما فيه|مافيه|ما عندي|ماعندي|ما عندنا|ماعندنا|لا يوجد|لايوجد|مفيش|مافيش|ما لقيت|مالقيت|ما شفت|ماشفت|ما واجهت|ماواجهت|ما واجهنا|ماواجهنا|لم اجد|لم اواجه|لم نواجه) (?:اي |ولا |شي |حاجه )?(?:ملاحظه|ملاحظات|عيب|عيوب|شكوى|شكاوي|مشاكل|مشكله|غلطه|اغلاط|سلبيات|سلبيه|شي يعيبه|شي سيء|شي سلبي|شي يضايق)",
    0.5,
  ],
  [
    "(?:و)?(?:ما|لم|ولا|مب|مو|ابد ما)(?: \\S+)? (?:خابوا|خاب|خيبوا|خيب|خيبت|تخيب|يخيب|خذلوني|خذلني|يخذلونك|يخذلك|خذلونا|يخذلون)(?: (?:ظني|ظنا|ظنك|ظني فيهم|الظن|املي))?|عند حسن (?:ال)?(?:ظن|ظني|ظنكم|الظن)",
    0.6,
  ],
  [
    "(?:صعب|من الصعب|ما اقدر|مااقدر|ما نقدر|ما اتخيل|ما يمديني)(?: \\S+)? (?:يستغني|استغني|الاستغناء|تستغني|نستغني|استغنى|يستغنى|تستغنى|اتخلى|تتخلى|يتخلى|ابدله|اغيره|اغيرهم|ابدلهم)",
    0.7,
  ],
  [
    "(?:اكيد|اكيدا|بالتاكيد|اكيد راح|راح|رح|ان شاء الله|انشالله|انشاءالله|سوف) (?:\\S+ )?(?:بكرر|اكرر|بكررها|اكررها|نكررها|بنكررها|برجع|برجعلهم|بنرجع|نرجع|ارجع لهم|ارجعلهم|بعيدها|اعيدها|اعيد التجربه|بزورهم|ازورهم|بجيهم|بطلب منهم|اطلب منهم|اتعامل معهم|بتعامل معهم|ساعود|سنعود|اعود)",
    0.7,
  ],
  [
    "(?:وصل|وصلت|وصلني|وصلتني|جا|جاء|جات|جاني|وصلنا|سلموني|تم التوصيل|التوصيل|الطلب وصل|المندوب وصل)(?: \\S+)? (?:قبل الموعد|قبل الوقت|قبل وقته|قبل المتوقع|بدري|بسرعه قياسيه|خلال ساعه|نفس اليوم|ثاني يوم|في اقل من|سليم|سليمه|بحاله ممتازه|بحاله جيده|بدون خدوش|بدون اي خدش)",
    0.55,
  ],
  [
    "(?:ما|ما كان|ماكان|ما كانت|ماكانت|ما صار|ماصار|ما في|مافي|ما فيه|مافيه|ما كان فيه|ماكان فيه|ما كان في|ماكان في|ما صار فيه|لم يكن|لم يكن هناك|بدون|بلا|من غير|مفيش|مافيش|ما حصل|ماحصل|ما حصلت|ماحصلت|ولا)(?: (?:اي|ولا|شي|حاجه|ادنى))? (?:تاخير|تاخر|تعطيل|اعطال|انقطاع|تاخيرات|تعقيد|تعقيدات|انتظار|زحمه|ازعاج|ازعاجات|تعب|وجع راس|لف ودوران|مماطله|رسوم اضافيه|رسوم مخفيه)|(?:ما|لم|ولا|مب|مو|ابد ما|ابدا ما)(?: \\S+)? (?:تاخروا|تاخرو|تاخر|تاخرت|طولوا|طولو|اتاخروا|اتاخرو|يتاخرون|يطولون|اتاخر|تعطل|خرب|علق|يعلق|هنق|يهنق|يهنج|فصل|يفصل|قصروا|قصرو)|(?:تقعد|يقعد|تدوم|يدوم|تعيش|يعيش|تكفي|يكفي)(?: \\S+)? (?:يوم|يومين|ايام|طول اليوم|يوم كامل)|(?:ما|لم) (?:شفت|اشوف|لقيت|جربت|رايت|ار) (?:زيهم|زيه|زيها|مثلهم|مثله|مثلها)|سرعه (?:في )?(?:ال)?(?:استجابه|رد|توصيل|انجاز|تجاوب|خدمه|تنفيذ|تسليم|شحن|حل|تعامل)",
    0.5,
  ],
  [
    "(?:مو|مش|مب|موب|ما كان|ماكان|ما كانت|ماكانت|ما هو|ماهو|ما هي|ماهي|مهو|مهي|ليس|ليست|لم يكن|لم تكن|دون|اقل من|تحت|ما يرقى|لا يرقى|مايرقى)(?: على| في| ب| الى| ل| عند)? ?(?:ال)?(?:مستوى|المستوى|بمستوى|بالمستوى|مستواهم|الطموح|المطلوب|الاسم|سمعتهم|اسمهم|التوقعات)|(?:و)?(?:ما عاد|ماعاد|ولا عاد|ما عدت|ماعدت)(?: \\S+)? (?:رجعت|رحت|طلبت|اشتريت|تعاملت|جيت|زرتهم|رجعنا|رحنا|طلبنا|جينا|اطلب|ارجع|اروح|اتعامل|اشتري|اجي|نرجع|نروح|نطلب)",
    -0.65,
  ],
  [
    "بدون (?:ما |اي )?(?:يبلغني|يبلغوني|يبلغونا|ابلاغ|اشعار|انذار|مبرر|سبب|علمي|موافقتي|اعتذار|يعلموني)|(?:قفل|قفلوا|قفلو|سكر|سكروا|سكرو|جمد|جمدوا|جمدو|وقفوا|وقفو|اوقفوا|علقوا|حظر|حظروا|بلكوا|تم ايقاف|تم تجميد|تم اغلاق|تم قفل|انقفل|تجمد|اتقفل|اتجمد|انحظر) (?:\\S+ )?(?:حسابي|بطاقتي|خطي|رقمي|حسابنا|الحساب|البطاقه|الخط)|(?:خذوا|خذو|اخذوا|اخذو|اكلوا|اكلو|سرقوا|سرقو|نهبوا|نهبو|لهفوا) (?:فلوسي|فلوسنا|مبلغي|حقي|الفلوس|المبلغ)|(?:يبيلهم|يبغالهم|يحتاجون|محتاجين|يبي لهم|يبغى لهم|لازمهم|يلزمهم|يبيله|يبغاله|يبيلها|يبغالها|محتاج|محتاجه|بحاجه الى|بحاجه ل)(?: \\S+)? (?:تدريب|تطوير|تحسين|صيانه|اعاده نظر|متابعه|تنظيف|ترتيب|اهتمام|تنظيم|رقابه|تغيير)",
    -0.5,
  ],
  [
    "(?:وقف|وقفت|مات|ماتت|طفى|طفت|انطفى|انطفت|فصل|فصلت|بطل|بطلت|انقطع|انقطعت|تقطع|تفكك|تفككت|انكسر|انكسرت)(?: \\S+)? (?:بعد|من بعد|خلال|من اول|في اول|في ثاني|ثاني|باقل من|قبل) (?:يوم|يومين|ايام|اسبوع|اسبوعين|شهر|شهرين|استخدام|استعمال|\\d+|كم|ثلاث|اربع|خمس|اول|ساعه|ساعات|مره|مرتين|ما|الضمان)|(?:كل ما|كلما|كل مره|وكل ما|وكل مره)(?: \\S+)?(?: \\S+)? (?:يطلعني|يطردني|يفصل|يسكر|يقفل|يعلق|يهنق|يهنج|يخرب|يطفي|يعطيني خطا|يطلع خطا|يطلع لي خطا|يرفض|تطلع مشكله|نفس المشكله|يعلق|تعلق|تفصل|تطفي|يطلع خطا)",
    -0.6,
  ],
  [
    "(?:فيه|في|فيها|لقيت|لقينا|شفت|شفنا|طلع|طلعت|طلع لنا|طلع لي)(?: \\S+)? (?:صراصير|صرصور|حشرات|حشره|بق|نمل|فيران|فار|فئران|دود|ذباب|عفن)|(?:بلع|بلعت|سحب|سحبت|حجز|حجزت|اكل|اكلت) (?:\\S+ )?(?:البطاقه|بطاقتي|الكرت|كرتي)|(?:سحبوا|سحبو|سحب|خصموا|خصمو|خصم|اكلوا|اكلو|ياكلون|يسحبون|ينسحب|انسحب|تنسحب|انخصم) (?:\\S+ )?(?:رصيدي|الرصيد|رصيدنا|باقتي|الباقه)|(?:حسابي|الحساب|بطاقتي|البطاقه|خطي|الخط|رقمي)(?: \\S+)? (?:انقفل|اتقفل|تجمد|اتجمد|انحظر|موقوف|مقفول|مجمد|معلق|مسكر)|(?:غيرهم|غيره|غيرها|المنافسين|اي مكان ثاني|اي محل ثاني)(?: \\S+)? (?:احسن|افضل|ارخص|اسرع|ارحم)|(?:الكميه|الكميات|كميته|كميتها|الحصه|الوجبه)(?: \\S+)? (?:قليله|قليل|ما تشبع|ماتشبع|ما تكفي|ماتكفي)|(?:و)?(?:جاني|جاتني|وصلني|وصلتني|جابوا لي|جابولي|عطوني|ارسلوا لي|ارسلولي|جانا|وصلنا|جابوا|جابو)(?: (?:شي|لون|مقاس|منتج|طلب|صنف|موديل|حجم))? (?:ثاني|غير|مختلف|غلط|خطا)(?![^ ])",
    -0.6,
  ],
  // never-again and warnings in Gulf, Egyptian and Levantine forms
  [
    "(?:مش راح|مش رح|مو راح|مب راح|مو رايح|مب رايح|ما بدي|مش ناوي|مو ناوي|مب ناوي|ما ناوي|ماني|مانيب|مش هـ?|مش ه)(?: \\S+)? (?:اشتري|اكرر|اكررها|اعود|ارجع|ارجعلهم|اتعامل|اطلب|اعيدها|اجرب|اسكن|انزل|ادخل|اروح|ازورهم|اجي|اطلبهم|احجز|هشتري|هرجع|هطلب|هتعامل|هكرر|راجع|رايح|جاي|عايد)|(?:ياريتني|ياريت|يا ريت|ليتني|ياليت|يا ليت|ياليتني|يا ليتني|ريتني|ليت اني|ريت اني)(?: \\S+)? (?:ما|لم|مب|مو) (?:اشتريت|اشتريته|اشتريتها|طلبت|طلبته|طلبتها|حجزت|رحت|جيت|جربت|جربته|دخلت|سكنت|نزلت|تعاملت|دفعت|تعاملنا|حجزنا|طلبنا|رحنا|جينا|نزلنا|جربنا|اخذت|اخذته|اخذتها|شريت|شريته)",
    -0.8,
  ],
  [
    "(?:لا|ما|ولا)(?: \\S+)? (?:تضيعون|تضيعوا|تضيع|تخسرون|تخسر|تتعاملون|تتعاملوا|تتعامل|تطلبون|تطلبوا|تحجزون|تحجز|تروحون|تروح|تجربون|تشترون|تثقون|تغترون|تنخدعون)(?: (?:وقتكم|فلوسكم|وقتك|فلوسك|معهم|منهم|عندهم|فيهم|فيه|منه|عنده|معاهم|ابدا|ابد))?(?![^ ])|(?:لاتضيعون|لاتضيعوا|لاتتعاملون|لاتتعاملوا|لاتطلبون|لاتحجزون|لاتروحون)|(?:ضيعوا|ضيعو|ضيعتوا|ضيعتو|خربوا|خربو|بهدلوا|بهدلو|لخبطوا|لخبطو|خربطوا|خربطو|عكوا|عكو) (?:علي|علينا|لي|لنا|الطلب|طلبي|الموعد|موعدي|الحجز|حجزي|يومي|اليوم|الرحله|السفره|وقتي|وقتنا)",
    -0.75,
  ],
  ["لو (?:فيه|في|يوجد|اقدر|ينفع|كان فيه|كان في)(?: \\S+)? (?:اقل من نجمه|صفر|سالب|اقل من كذا)", -0.8],
  [
    "(?:النظافه|نظافته|نظافتها|نظافتهم|الخدمه|خدمتهم|خدمته|خدمتها|التعامل|تعاملهم|تعامله|الاحترام|الاهتمام|الجوده|جودته|جودتها|جودتهم|المستوى|مستواهم|مستواه|مستواها|التنظيم|الذوق|الطعم|طعمه|طعمها|الاحترافيه|المصداقيه|الالتزام|المتابعه|الصيانه|التغطيه|الشبكه)(?: \\S+)? (?:صفر|تحت الصفر|زيرو|معدومه|معدوم|ما تنفع|ماتنفع|لا تذكر|نازل|نازله|تراجع|تراجعت|نزل|نزلت|في النازل|للاسوا|من سيء لاسوا|من سيء الى اسوا|يبيله شغل|يحتاج شغل)|(?:نزل|نزلت|تراجع|تراجعت|تدهور|تدهورت|انحدر|ساء|خرب|خربت|نازل) (?:\\S+ )?(?:مستوى|مستواهم|مستواه|مستواها|المستوى|الخدمه|خدمتهم|الجوده|جودتهم|جودته)|من سيء (?:الى|ل) (?:اسوا|اسوء)|من سيء لاسوا|من سيء لاسوء",
    -0.7,
  ],
  [
    "(?:و)?(?:ما في|مافي|ما فيه|مافيه|مفيش|مافيش|ما عندهم|ماعندهم|ما عنده|ماعنده|ما عندها|ماعندها|لا يوجد|لايوجد|بدون|بلا|مع عدم) (?:اي |ولا |ادنى )?(?:رد|تجاوب|استجابه|اهتمام|تعاون|احترام|تعويض|اعتذار|متابعه|حل|حلول|مصداقيه|التزام|ضمير|ذمه|امانه|اخلاق|ذوق|خبره|تنظيم|مسؤوليه|احترافيه|مواعيد|مواقف|موقف سيارات|تكييف|مكيف|ماي حار|مويه حاره|صيانه|نظافه|واي فاي|وايفاي|انترنت|نت|تغطيه|شبكه)(?![^ ])",
    -0.65,
  ],
  [
    "(?:و)?(?:مفيش|مافيش|محدش|ما حد|ماحد|ما احد|محد|ما كان في احد|ماكان في احد|ما كان فيه احد|ما لقيت احد|مالقيت احد|ما لقينا احد|ولا حد|ولا احد|مافي احد|ما في احد|ما فيه احد|مافيه احد|ما في حد|مافي حد|ما في موظف|مافي موظف|ما فيه موظف|مافيه موظف|ولا موظف|لا احد|لم يرد احد|لا يوجد احد|لا يوجد موظف)(?: \\S+)? (?:يرد|بيرد|رد|يردون|ردوا|يساعد|ساعد|يساعدني|ساعدني|يهتم|اهتم|يفهم|فهم|يسمع|سمع|يحل|حل|يتصل|اتصل|كلمني|يكلمني|جاء|جا|جاني|عبرني|يعبرني|عطاني|يعطيني|يسال|سال|تواصل|يتواصل|بيعبرك|بيرد عليك|يرد علي|رد علي|يرد علينا|رد علينا|يعتذر|اعتذر|يعرف|عرف|فاهم|فاهمين|يعطيك|يعطيني|يعطينا|موجود|بالاستقبال|في الاستقبال|يخدم|يخدمنا|يخدمك|يساعدنا|يسوي شي|سوا شي)",
    -0.65,
  ],
  [
    "(?:وقفنا|وقفونا|وقفوني|خلونا|خلوني|انتظرت|انتظرنا|ننتظر|انتظر|استنيت|استنينا|استنى|نطرت|نطرنا|ناطر|ناطرين|منتظر|منتظرين|منتظره|بانتظار|تاخر|تاخروا|تاخرو|تاخرت|تاخير|متاخرين|تاخرتوا|اتاخر|اتاخروا)(?: \\S+)?(?: \\S+)? (?:ساعه|ساعتين|ساعات|نص ساعه|ربع ساعه|يومين|ايام|اسبوع|اسبوعين|اسابيع|شهر|شهرين|اشهر|شهور|\\d+ (?:دقيقه|دقايق|دقائق|ساعه|ساعات|يوم|ايام|اسبوع|اسابيع|شهر|اشهر|شهور))|(?:قعدت|قعدنا|جلست|جلسنا|ظليت|ظلينا|ضليت|ضلينا|قاعد|قاعدين)(?: \\S+)?(?: \\S+)? (?:ساعه|ساعتين|ساعات|نص ساعه|ربع ساعه|\\d+ (?:دقيقه|دقايق|دقائق|ساعه|ساعات)) (?:\\S+ )?(?:انتظر|ننتظر|على الخط|ع الخط|بالانتظار|في الانتظار|استنى|نستنى|ناطر|ناطرين)|(?:ساعه|ساعتين|ساعات|يومين|ايام|اسبوع|اسبوعين|شهر|شهرين) (?:وما|ولا|وللحين ما|ولسه ما|ولسا ما|ولحد الان ما|ولحد الحين ما|ومحد|وماحد|ومحدش) (?:\\S+ )?(?:وصل|وصلت|جا|جات|ردوا|رد|يرد|انحلت|رجع|رجعوا|نزل|نزلت|اتصلوا)|(?:وصل|وصلت|وصلني|وصلتني|جا|جات|جاني|وصلنا|جانا)(?: \\S+)? بعد (?:ساعه|ساعتين|ساعات|اسبوع|اسبوعين|اسابيع|شهر|شهرين)|(?:معلق|معلقين|علقوني|تركوني|خلوني|حطوني) (?:\\S+ )?(?:على الخط|ع الخط|بالانتظار|في الانتظار|انتظر)",
    -0.55,
  ],
  [
    "(?:خصم|خصموا|خصمو|سحب|سحبوا|سحبو|اخذ|اخذوا|اخذو|انخصم|انسحب|انسحبت|استقطعوا|استقطع|قطعوا)(?: \\S+)?(?: \\S+)? (?:مني|من حسابي|من رصيدي|من بطاقتي|من راتبي|من الحساب|من البطاقه|من الرصيد)|(?:رسوم|مبالغ|خصومات|اقتطاعات|مبلغ) (?:اضافيه|زياده|زايده|مخفيه|غير مبرره|بدون سبب|ما اعرف عنها|ماعرف عنها|بدون علمي|بدون موافقتي)|(?:الفاتوره|فاتوره|فاتورتي|الفواتير|فواتير)(?: \\S+)? (?:عاليه|مرتفعه|غلط|خطا|نار|مبالغ|مبالغ فيها|خياليه|زايده|غير صحيحه|فلكيه)|(?:فلوسي|مبلغي|رصيدي|فلوسنا|المبلغ|الفلوس|راتبي|حوالتي|الحواله)(?: \\S+)? (?:راحت|راح|ضاعت|ضاع|طارت|انسحبت|انسحب|اختفت|اختفى|ما رجعت|مارجعت|ما رجع|مارجع|ما نزل|مانزل|ما نزلت|مانزلت|محجوز|محجوزه|معلق|معلقه|ما وصلت|ماوصلت|ما وصل|ماوصل)|(?:عايز|عاوز|ابي|ابغى|ابغا|اريد|بدي|نبي|نبغى) (?:\\S+ )?(?:فلوسي|مبلغي|حقي|فلوسنا|استرجاع|استرداد|تعويض|ارجاع|المبلغ)",
    -0.55,
  ],
  [
    "(?:النت|الانترنت|الشبكه|الخط|الاتصال|الواي فاي|الوايفاي|الواي|التغطيه|الارسال|المكالمه|المكالمات|الصوت|المكالمه|المكالمات|التطبيق|البرنامج|الموقع|الجهاز|الجوال|النظام|الابلكيشن|الدفع|الصراف)(?: \\S+)? (?:يقطع|تقطع|يفصل|تفصل|ثقيل|ثقيله|طايح|طايحه|يطيح|تطيح|مقطوع|مقطوعه|معلق|ميت|ميته|يطلع ويدخل|يروح ويجي|يطفي|تطفي|ينطفي|تنطفي|واقف|واقفه|متوقف|فاصل|مايفتح|ما يفتح|لا يفتح|ضعيف|ضعيفه)|(?:يفصل|يقطع|يعلق|يهنق|يهنج|يطفي|ينطفي|يطيح|يخرب|يتعطل|تفصل|تقطع|تعلق|تهنق|تطفي|تطيح|تخرب|تتعطل|يوقف|توقف|يسكر|تسكر|يطلعني|يطردني|يتقطع|بيقطع|بيفصل|بيعلق|بيهنج)(?: \\S+)? (?:كل شوي|كل شويه|كل مره|كل يوم|كل ساعه|على طول|علطول|دايما|دائما|باستمرار|كل دقيقه|كل شوية|من وقت لوقت|كثير|وايد)|(?:بطل|بطلت) (?:يشتغل|تشتغل|يشحن|تشحن|يفتح|تفتح|يرد|يعمل|تعمل)|(?:ما|لم|مب|مو|ما كانت|ماكانت|وما|ولا) (?:طولت|تطول|يطول|عمرت|يعمر|تعمر|دامت|يدوم|تدوم|صمد|صمدت|يصمد|تصمد|تقعد|يقعد|تتحمل|يتحمل|تحملت|استحملت|تستحمل|يستحمل|تكفي|يكفي|كفت)(?![^ ])",
    -0.6,
  ],
  [
    "(?:الغوا|الغو|لغوا|لغو|كنسلوا|كنسلو|كنسل|الغى|الغا|انلغى|انلغا|انلغت|تم الغاء|كنسلت|الغيو)(?: \\S+)? (?:طلبي|الطلب|حجزي|الحجز|الموعد|موعدي|الرحله|رحلتي|الاوردر|طلبنا|حجزنا|الحجوزات)|(?:طلبي|الطلب|حجزي|الحجز|الموعد|موعدي|الرحله|رحلتي|الاوردر|طلبنا|حجزنا)(?: \\S+)? (?:انلغى|انلغا|انلغت|تكنسل|اتلغى|اتلغت|اتكنسل|ضاع|اختفى|تاخر|متاخر|ما وصل|ماوصل|ما جا|ماجا|لسه ما|للحين ما)|(?:عطوني|اعطوني|جابوا|جابو|جابولي|ارسلوا|ارسلو|وصلني|وصلتني|جاني|جاتني|جانا|وصلنا|سلموني|بعتولي|بعتوا)(?: \\S+)?(?: \\S+)? (?:غير|مو|مب|مش) (?:اللي|الي|طلبي|المطلوب|طلبنا)|(?:غير|يختلف|تختلف) عن (?:الصور|الصوره|الوصف|الاعلان|المعروض)|(?:رمى|رما|رموا|رمو|كب|كبوا) (?:\\S+ )?(?:الطلب|الاغراض|الشحنه|الاكل|الطرد)|غير (?:اللي|الي) (?:طلبته|طلبناه|طلبتها|اخترته|حجزته|حجزناه|دفعت)",
    -0.6,
  ],
  [
    "(?:الاكل|الطلب|الاوردر|الطعام|الوجبه|الوجبات|الاكله|الشاي|القهوه|الشوربه|الحلا|الاكلات|الصحن|الصحون|الغدا|العشا|الفطور)(?: \\S+)? (?:بارد|بارده|ثلج|مو مستوي|مش مستوي|مب مستوي|غير مستوي|محروق|محروقه|بايت|بايته|منتهي|بلا طعم|يابس|يابسه|قاسي|قليل|قليله|دهن|دسم|كله دهن|ما ينوكل|ماينوكل|ما ينؤكل|مو طازج|مش طازه|مب طازج)|(?:مو|مش|مب|غير) (?:مستوي|مستويه|ناضج|ناضجه|طازج|طازه|طازجه|نظيف|نظيفه|نضيف|نضيفه)",
    -0.6,
  ],
  [
    "(?:شعره|شعر|حشره|صرصور|صراصير|ذبانه|ذباب|دود|قزاز) (?:\\S+ )?(?:في|بال|داخل)|(?:ما في|مافي|ما فيه|مافيه|لا يوجد|بدون) (?:ماي|ماء|موية|مويه) (?:حار|ساخن|حاره)|(?:ريحه|رائحه|ريحة) (?:\\S+ )?(?:كريهه|خايسه|سيئه|دخان|عفن|رطوبه|مو حلوه|مش حلوه)|(?:الطلب|طلبي|طلبنا|الاوردر) (?:\\S+ )?(?:غلط|خطا|ناقص|بالغلط)|(?:نسوا|نسيو|نسي) (?:\\S+ )?(?:الطلب|طلبي|طلبنا|الاوردر)",
    -0.65,
  ],
  [
    "(?:كان|كانت) (?:\\S+ )?(?:احسن|افضل|اجود) (?:قبل|سابقا|من قبل)|(?:سابقا|قبل|في السابق) كان (?:\\S+ )?(?:احسن|افضل|اجود)",
    -0.6,
  ],
  [
    "(?:تفرغ|يفرغ|يخلص|تخلص|يفقد|تفقد|يخرب|تخرب|بيخرب|بتخرب|يتلف|تتلف|يتكسر|تتكسر|ينكسر|تنكسر|يتقطع|تتفكك|يتفكك|يبرد|تبرد|يسخن|تسخن|يصدي|يتقشر|تتقشر|يبهت|تبهت)(?: \\S+)? (?:بسرعه|سريع|سريعا|بسهوله|على طول|علطول)|(?:لا|ما|لم) (?:تناسب|يناسب)|(?:لاتناسب|لايناسب|ماتناسب|مايناسب)|(?:لم يكن|لم تكن|ليس|ليست|مو|مش|ما كان|ماكان|ما كانت|ماكانت) (?:ك|كما|مثل|زي|على) ?(?:كنت |ما )?(?:امله|امل|اتوقع|اتمنى|توقعت|انتظر|اريد|ابغى|ابي|متوقع|توقعي|قد)|(?:توقعت|توقعتها|توقعته|كنت اتوقع|كنت متوقع|كنت متوقعه|انتظرت|كنت اتمنى|كنت امل) (?:\\S+ )?(?:افضل|احسن|اعلى|اكثر|اكبر|اجمل|اقوى)",
    -0.6,
  ],
  [
    "(?:لا|ما) (?:يمكن|يمكنني|اقدر|اقدر) (?:\\S+ )?(?:الاستغناء|استغني|الاستغنا)|لا غنى عنه|لاغنى عنه|لا غنى عنها",
    0.7,
  ],
  [
    "(?:عديم|عديمه|عديمة) (?:الفائده|الفايده|الجدوى|النفع|القيمه)|هدر (?:لل)?(?:مال|فلوس|وقت)|هدر المال|(?:السعر|سعره|سعرها|سعر|الاسعار|اسعارهم|اسعاره) (?:\\S+ )?(?:مرتفع|مرتفعه|غالي|غاليه|نار|مبالغ|مبالغ فيه|مجنون|خيالي|خياليه|كثير|عالي)|(?:منصحش|مش هنصح|مش بنصح|مابنصح|مش انصح)|(?:نص نص|نصف نصف)|(?:كدب|كذب|كذاب|كذابين|كدابين)|(?:يسبب|تسبب|سبب|سببت|سببلي|يسببلي) (?:\\S+ )?(?:الم|الالم|ازعاج|حساسيه|صداع|مشاكل|مشكله|حكه|التهاب)|(?:تسرب|يتسرب|تتسرب|يسرب|يسرب)|(?:مصدي|مصديه|صدي|صدا)|(?:لم|ما|لا) (?:يؤثر|يوثر|اثر|يفرق|فرق|تفرق)|(?:مافي|ما في|لا يوجد|لايوجد) (?:اي )?فرق|(?:انقطع|ينقطع|بيقطع|يتقطع|بتقطع|بيعلق|بتعلق|بيهنج|بتهنج|بيفصل|بتفصل)",
    -0.55,
  ],
  [
    "(?:لا|ما|مش|مو) (?:تستطيع|يستطيع|يمكن|يمكنك|يمكنها|يمكنه|يمكنني|اقدر|تقدر|يقدر|نقدر|قادر|قادره|بقدر|عارف اقدر)|(?:مااقدر|ماقدر|مايقدر|ماتقدر|لايمكن|لايمكنك|لاتستطيع|لايستطيع|مقدرتش|ماقدرت|ما قدرت|لم استطع|لم اتمكن|لم نتمكن)",
    -0.45,
  ],
  [
    "(?:انصح|انصحكم|انصحك|انصحه) (?:\\S+ )?(?:بعدم|ب عدم|بالابتعاد|بالبعد)|(?:لا|ما|ولا|لم) (?:تساوي|يساوي|تستاهل|تستحق|تجدي|يجدي|يؤدي|تؤدي|يستاهل|يستحق)|(?:لاتساوي|لايساوي|لاتستحق|لايستحق|ماتستحق|مايستحق|ماتستاهل|لاتجدي|لايجدي|ماتسوى|ملوش|مالوش|مالهاش|ملهاش)|(?:لم|ما|مو|مش|ليس|ليست|لم تكن|لم يكن|مو زي|مش زي) (?:ك|كما|مثل|زي|حسب)? ?(?:المتوقع|التوقعات|توقعاتي|متوقع|الوصف|الصوره|المطلوب|الاعلان)|(?:اقل|دون) (?:من )?(?:المتوقع|المستوى|المطلوب|صفر|عادي|العادي)|(?:لم|ما|لا) (?:استلم|استلمت|استلمها|استلمه|نستلم|يستلم)|(?:مااستلمت|ماستلمت|مااستلمها)|(?:يتوقف|توقف|تتوقف|توقفت|وقف|وقفت) عن (?:العمل|الشغل|الشحن)",
    -0.65,
  ],
  [
    "(?:لا يطابق|لايطابق|ما يطابق|مايطابق|غير مطابق|غير مطابقه|مو مطابق|مش مطابق|ليس مطابق|مختلف عن|مختلفه عن|ليس كما|مو مثل|مش زي|مش مثل|ليس مثل)",
    -0.55,
  ],
  [
    "(?:لا|ما|ولا|بدون|بلا|مافي|ما في|مافيه|ما فيه|ليس له|ليس لها|ما له|ماله) (?:اي )?(?:فائده|فايده|جدوى|داعي|نفع)|بدون جدوى|ولا ينفع|لا ينفع|ما ينفع|ماينفع|لاينفع|مش نافع|مو نافع|ما نفع|مانفع|ما يصلح|مايصلح|لا يصلح|لايصلح|لا تصلح|لاتصلح|غير صالح|غير صالحه",
    -0.6,
  ],
  ["(?:لا انصح|ولا انصح|لانصح|ولانصح|ولاانصح|لن انصح)", -0.8],
  [
    "(?:انصح به|انصحكم به|انصح فيه|انصحكم فيه|انصح بشرائه|انصح بشراءه|انصح بالشراء|انصح بالتعامل|انصح بها|انصحكم فيها|انصح فيها|انصح الجميع|يستاهل|يستاهل كل|تستاهل|يستحق الشراء|يستحق التجربه|يستحق|يجنن|خرافي|خرافيه|ولا غلطه|ما عليه كلام|ماعليه كلام|ما عليها كلام|ماعليها كلام|ما قصروا|ماقصروا|ما قصرو|ماقصرو|الله يعطيكم العافيه|لا يعلى عليه|لايعلى عليه|ما في احسن|مافي احسن|لا يوجد افضل|فوق الممتاز|فوق التوقعات|اكثر من رائع)",
    0.7,
  ],
  [
    "(?:ما في اي مشكله|مافي اي مشكله|ما فيه اي مشكله|بدون اي مشاكل|بدون مشاكل|بلا مشاكل|لا يوجد اي مشكله|ما واجهت اي مشكله|ماواجهت اي مشكله|لم اواجه اي مشكله|لم اواجه مشكله|ما عندي اي ملاحظه|لا شكوى|ما عندي شكوى)",
    0.5,
  ],
  [
    "(?:لا انصح|ما انصح|مانصح|ماانصح|لاانصح|لا انصحكم|ما انصحكم|ماانصحكم|لا انصح به|مش بنصح|ما بنصح|مابنصح|انصحكم (?:\\S+ )?(?:تبعدو|تبعدوا|ابعدو|ابعدوا|بعدو|بعدوا|بالابتعاد|تبتعدوا|ما تشترو|ما تشتروا|لا تشتروا|لاتشترو|لا تشترو|ماتشترو)|لا تشتروا|لا تشترو|لا تشتري|لاتشتري|لاتشترو|لاتشتروا|ما تشتري|ماتشتري|ما تشترو|ماتشترو|لا تضيع|لا تضيعوا|ابعدوا عنه|ابعدو عنه|ابعد عنه|ابتعدوا|ابتعدو|ابعدو|ابعدوا|احذروا|احذرو|حذاري|ما يستاهل|مايستاهل|لا يستاهل|لايستاهل|لا يستحق|لايستحق|ما يستحق|مايستحق|ما يسوى|مايسوى|ما يسوا|مايسوا|ما تسوى|ماتسوى)",
    -0.8,
  ],
  [
    "(?:لن|ما راح|مارح|ماراح|ما رح|مش هـ?|مستحيل|ابد ما|ابدا ما|عمري ما|ما عاد|ماعاد|لا عاد)(?: \\S+)? (?:اشتري|اشتريه|اشتريها|اكرر|اكررها|اكررها|اعود|ارجع|ارجعلهم|اتعامل|اطلب|اطلبهم|اطلب منهم|اتعامل معهم|اعيدها|اجرب|اجربه|اسافر|اسكن|انزل|اشتري منهم)|اخر مره|اخر مرة|اخر تعامل|للمره الاخيره|تجربه سيئه|تجربه فاشله",
    -0.8,
  ],
  [
    "(?:ضيعت|ضيعنا|ضيع|تضيع|اضعت) (?:\\S+ )?(?:وقتي|وقت|فلوسي|فلوس|الفلوس|وقتك|فلوسك|المال|مالي)|مضيعه (?:\\S+ )?(?:وقت|فلوس|مال)|خساره (?:\\S+ )?(?:فلوس|الفلوس|المال|مال|فيه)|فلوس على الفاضي|على الفاضي|رمي فلوس|رميت فلوسي|نصب|نصابين|نصاب|حراميه|سرقه|غش|مغشوش|مقلب|تقليد",
    -0.7,
  ],
  [
    `(?:للحين|لحد الحين|لحد الان|لحد الحين|الى الان|الي الان|حتى الان|حتي الان|لسه|لسا|لساته|لازلت|ما زلت|مازلت|لا زلت|لازال|ما زال|مازال|لا زال)(?: \\S+)? (?:ما|لم|منتظر|انتظر|انتظار|ماوصل|ماجا|ماردوا|ماردو|بانتظار|في انتظار|ولا|مافي|ما فيه|مافيه|بدون|ينتظر)`,
    -0.6,
  ],
  [
    `${AR_NOT}(?: \\S+)? ${AR_OUTCOME}|(?:ماوصل|ماوصلت|ماوصلني|ماوصلتني|مايوصل|ماتوصل|مارد|ماردو|ماردوا|مايرد|مايردون|ماترد|ماشتغل|مااشتغل|مايشتغل|ماتشتغل|مااتصل|مااتصلو|مااتصلوا|ماجا|ماجاني|ماجات|مايجي|ماتجي|مايعمل|ماتعمل|لايعمل|لاتعمل|مايفتح|ماتفتح|مايرجع|مارجعو|مارجعوا|ماحلو|مايحلون|ماصلحو|ماصلحوا|ماضبط|مايضبط|مازبط|مااهتموا|مايهتمون|محد رد|محد يرد|ماحد رد|ماحد يرد|ولا رد|بدون رد|لا رد|ما في رد|مافي رد|ما في تجاوب|مافي تجاوب|عدم الرد|عدم التجاوب|عدم الاستجابه)`,
    -0.55,
  ],
  [
    "(?:متعطل|متعطله|عطلان|عطلانه|خربان|خربانه|خرب|خربت|تعطل|تعطلت|توقف عن العمل|توقفت عن العمل|وقف عن العمل|يعلق|تعلق|يهنق|يهنج|يفصل|تفصل|يطفي|يطفى|ينطفي|تنطفي|يقفل لحاله|يفصل لحاله)",
    -0.55,
  ],
  [
    "(?:وصل|وصلت|جا|جاء|جات|وصلني|وصلتني|جاني|جاتني|استلمته|استلمتها|استلمت|كان|كانت)(?: \\S+)? (?:بارد|بارده|متاخر|متاخره|مكسور|مكسوره|ناقص|ناقصه|خربان|خربانه|تالف|تالفه|مفتوح|مفتوحه|غلط|خطا|مستعمل|مستعمله|منتهي|منتهيه|مضروب|مضروبه|معطوب|معطوبه|مخدوش|مخدوشه|وسخ|وسخه|غير مطابق|غير مطابقه|مختلف|مختلفه|مقلد|مقلده)",
    -0.6,
  ],
  [
    "(?:خصم|خصموا|خصمو|سحب|سحبوا|سحبو|انسحب|انخصم|دفعت|تم الخصم|تم السحب)(?: \\S+)?(?: \\S+)? (?:مرتين|مرتين|ثلاث مرات|مره ثانيه|زياده|مبلغ زايد|بالغلط)|(?:اتصلت|راسلتهم|راسلت|كلمتهم|كلمت|تواصلت|اتصلنا|اشتكيت)(?: \\S+)?(?: \\S+)? (?:\\d+|مرتين|ثلاث|اربع|خمس|عشر|كذا|عده|عدة|اكثر من|مليون|الف) ?(?:مرات|مره|مرة)?|ابي فلوسي|ابغى فلوسي|ارجاع المبلغ|استرجاع المبلغ|استرداد المبلغ|ما رجعوا فلوسي|مارجعوا فلوسي|ما رجعو المبلغ|ما رجعوا المبلغ",
    -0.55,
  ],
  [
    "(?:ما |لا )?(?:زالت|زال|زلت|تزال|يزال|مازالت|مازال|لازالت|لازال)(?: \\S+)? (?:المشكله|مشكله|المشاكل|مشاكل|العطل|الخلل|نفس المشكله|نفس العطل|معلق|معلقه|متوقف|واقف|واقفه|عطلان|خربان|ينتظر|انتظر|ننتظر|بانتظار|في انتظار|منتظر|قائمه|قايمه|موجوده|موجود|تتكرر|يتكرر|مستمره|مستمر)",
    -0.6,
  ],
  // "ما زال ممتاز": still, not a negation. Weighs nothing; it keeps "ما"/"لا" from negating what follows.
  ["(?:ما|لا) (?:زالت|زال|زلت|تزال|يزال)|(?:مازالت|مازال|لازالت|لازال|مازلت|لازلت)", 0],
]);

/** Turkish, in ASCII-folded form ("beğenmedim" is written "begenmedim"). */
const TR_PATRON =
  "(?:almam|almayacagim|almayacam|almicam|almam artik|siparis vermem|siparis vermeyecegim|kullanmam|kullanmayacagim|gitmem|gitmeyecegim|tercih etmem|tercih etmeyecegim|gelmem|alisveris yapmam|alisveris yapmayacagim|ugramam|ucmam|kalmam|kalmayacagim|yemem|denemem|calismam|calismayacagim)";
const TR: readonly PatternSpec[] = [
  // failures that did not happen are praise ("hiç çökmedi", "kargo hiç gecikmedi")
  [
    "(?:bu kadar|o kadar|boyle|bu denli) (?:\\S+ )?(?:iyi|guzel|lezzetli|kaliteli|hizli|rahat|kullanisli|saglam|basarili)\\S* (?:olacagini|olabilecegini|oldugunu|cikacagini) (?:\\S+ )?(?:dusunmemistim|dusunmuyordum|beklemiyordum|tahmin etmiyordum|sanmiyordum|beklememistim|tahmin etmemistim)|(?:(?:hic|hicbir|higbir|hic bir) )?(?:kesinti|kopma|donma|takilma|kasma|sorun|problem|sikinti|ariza|gecikme|bekleme|kirik|cizik|leke|ezik|yirtik|hasar|bozukluk|kusur|defo)(?:[iu]|s[iu])? (?:yok|yoktu|olmadi|yasamadim|yasamadik|cikmadi)|(?:masraf|masraflari|ucret|ucretler|ucretleri|fiyat|fiyatlar|fiyatlari|komisyon|komisyonu|faiz|faizi|aidat|aidati)(?: cok| gayet| oldukca)? (?:dusuk|uygun|makul|ucuz)|(?:(?:hic|asla|bir kere bile|bir kez bile|bir defa bile|su ana kadar|simdiye kadar|hala) )?(?:cokmedi|cokmuyor|donmadi|donmuyor|takilmadi|takilmiyor|kasmadi|kasmiyor|kasma yapmiyor|kasma yapmadi|isinmiyor|isinmadi|ses yapmiyor|ses yapmadi|bozulmadi|bozulmuyor|gecikmedi|gecikmiyor|kesilmedi|kesilmiyor|kopmadi|kopmuyor|sorun cikarmadi|sorun cikarmiyor|ariza yapmadi|ariza yapmiyor|hata vermedi|hata vermiyor|bekletmedi\\S*|beklemedik|beklemedim|pisman olmadim|pisman olmadik|pisman etmedi\\S*|yaniltmadi|yuzumuzu kara cikarmadi|yuzumu kara cikarmadi)|(?:zorunda|mecbur) (?:kalmadim|kalmadik|kalmadi)|(?:gerek|ihtiyac) (?:kalmadi|duymadim|duymadik|olmadi)|(?:baska|baska bir) (?:yerden|yere|yerde|firmadan|magazadan|markadan|bankaya|bankadan|operatore|restorana|otele) (?:\\S+ )?(?:almam|gitmem|gelmem|alisveris yapmam|siparis vermem|kullanmam|gecmem|almayacagim|gitmeyecegim|bakmam)",
    0.55,
  ],
  // stop entries: common phrases with a sentiment-looking word ("kirli sakal" is stubble, not dirt)
  ["kirli sakal\\S*", 0],
  // praise told as events
  [
    "(?:sorun|sorunu|sorunum|sorunumu|sorunumuzu|problem|problemi|problemimi|problemimizi|sikinti|sikintiyi|sikintimi|ariza|arizayi|hata|hatayi|talep|talebimi|talebimizi|isimi|isimizi|islemimi|islemlerimi)(?: \\S+)?(?: \\S+)? (?:cozdu\\S*|cozuldu|cozulmustu|halletti\\S*|halledildi|giderildi|giderdi\\S*|duzeltti\\S*|duzeldi|yardimci oldu\\S*)|(?:sicak|sicacik|taze|saglam|hizli|hizlica|hemen|aninda|kisa surede|hemencecik|zamaninda|vaktinde|eksiksiz|kusursuz|sorunsuz|erken|jet hizinda|ertesi gun|ayni gun|1 gunde|bir gunde|iki gunde|2 gunde) (?:\\S+ )?(?:geldi|ulasti|teslim edildi|elime ulasti|elime gecti|elimdeydi|elimizdeydi|kapimdaydi|gonderildi|kargolandi|paketlendi|paketlenmisti|halledildi|cozuldu|onaylandi|yapildi|tanimlandi|acildi)|(?:resimdeki|resimlerdeki|fotograftaki|fotograflardaki|gorseldeki|gorsellerdeki|aciklamadaki|anlatildigi|tarif edildigi|gosterildigi|sitedeki|ilandaki) gibi(?: \\S+)? (?:geldi|cikti|ulasti|birebir|ayni|ayniydi)|birebir ayni",
    0.55,
  ],
  [
    "(?:tekrar|yine|yeniden|gene|bir daha|bir dahaki sefere|mutlaka tekrar|kesinlikle tekrar)(?: \\S+)?(?: \\S+)? (?:alirim|alacagim|alicam|aliriz|alacagiz|gelirim|gelecegim|gelicem|geliriz|gelecegiz|gelicez|siparis verecegim|siparis veririm|siparis vericem|siparis veririz|siparis verecegiz|tercih ederim|tercih edecegim|tercih ederiz|tercih edecegiz|kalirim|kalacagim|kaliriz|kalacagiz|kullanirim|kullanacagim|ugrarim|ugrayacagim|ugrariz|gidecegim|giderim|gideriz|gidecegiz|calisirim|calisacagim)|(?:batarya|bataryasi|pil|pili|sarj|sarji)(?: \\S+)? (?:uzun gidiyor|uzun dayaniyor|cok iyi|gayet iyi|bitmek bilmiyor|idare ediyor|iki gun gidiyor)|(?:porsiyon|porsiyonlar|porsiyonlari)(?: cok| gayet| oldukca)? (?:bol|doyurucu|buyuk|buyuktu|boldu|doyurucuydu)",
    0.55,
  ],
  [
    "(?:sac|kil|bocek|hamam bocegi|sinek|kurt|cam parcasi|plastik parcasi)(?: \\S+)? (?:cikti|vardi|var|bulduk|buldum)|sicak su (?:yoktu|yok|gelmedi|akmiyordu|akmiyor)|(?:kotu|pis|agir|igrenc|sigara|rutubet|kuf) (?:bir )?koku|kokuyordu|(?:siparisi?|siparisimi|siparisimizi|yemegi) (?:\\S+ )?(?:yanlis|eksik|unuttular|unutmuslar)",
    -0.65,
  ],
  [
    "(?:cabuk|cok cabuk|hemen|kisa surede|hemencecik|bir haftada|bir ayda|ilk gunden|(?:\\d+|bir|iki|uc|dort|bes|on|yarim|birkac) (?:dakikada|saatte|gunde|haftada|ayda))(?: \\S+)? (?:dagildi|bozuldu|kirildi|yirtildi|soldu|eskidi|koptu|patladi|yipranmis|saliyor|bozuluyor|kiriliyor|dagiliyor|soluyor|eskiyor|kopuyor|isiniyor|bitiyor|bitti|paslandi|cizildi|catladi)|(?:problem|problemi|problemler|sorun|sorunu|sorunlar|sikinti|sikintisi|hata|hatasi|ariza|arizasi|kusur|kusuru|eksigi|eksikler) (?:var|vardi|vardir|mevcut|cikti|yasadim|yasadik|oldu|yasiyorum|cikardi)|(?:daha )?(?:iyi|yuksek|fazla|tam|5|bes) (?:puan|yildiz) (?:verirdim|verecektim|verebilirdim)",
    -0.55,
  ],
  [
    "(?:site|sitesi|uygulama|uygulamasi|sistem|sistemi|internet|interneti|baglanti|hat|hatti|sebeke|program|programi)(?: \\S+)? (?:coktu|cokuyor|cokmus|acilmiyor|acilmadi|calismiyor|calismadi|yok|gitti|kesildi|kesiliyor|kopuyor|dondu|donuyor)",
    -0.6,
  ],
  [
    "eskiden (?:\\S+ )?(?:daha )?(?:iyi|iyiydi|guzel|guzeldi|kaliteli|kaliteliydi)|eskisi (?:gibi|kadar) (?:\\S+ )?(?:degil|olmamis|yok)",
    -0.6,
  ],
  [
    "(?:kalite|kalitesi|kaliteside|kalitesi de)(?: cok| biraz| oldukca| gercekten)? (?:dusuk|kotu|berbat|sifir|vasat)|(?:dusuk|sifir|0|berbat) kalite|(?:gorundugunden|resimdekinden|fotograftakinden|gorseldekinden)(?: \\S+)? (?:kucuk|ufak|kotu|farkli|basit|kalitesiz|ince|dar)|(?:resimdeki|fotograftaki|gorseldeki|gorundugu|anlatildigi|aciklamadaki) gibi (?:degil|gelmedi|cikmadi)|saka gibi|yildiz bile fazla|(?:alinmamasi|alinmamali|alinmayacak) (?:gereken|bir)|(?:paraya|parama|paramiza|verdigim paraya)(?: \\S+)? (?:acidim|yazik|aciyorum)|almasaydim\\S*|(?:geri|iade) (?:gonderdim|gonderdik|gonderecegim|gondericem|ettim|ettik|edecegim|edicem|edeceğim|etmek zorunda)|(?:catlak|catlamis|kirik|kirilmis|yirtik|cizik) (?:\\S+ )?(?:geldi|gelmis|cikti|ulasti)",
    -0.65,
  ],
  [
    "daha (?:iyi|guzel|kaliteli|saglam) (?:\\S+ )?(?:olabilirdi|olabilir|olsaydi|olmaliydi|olmali|bekliyordum|beklerdim|yapilabilirdi)|daha iyile?ri(?: \\S+)? (?:alinabilir|var|mevcut)|daha iyisi(?: \\S+)? (?:alinabilir|var|mevcut)|almasin|almasinlar|uzak durulmasi|uzak durulmali|uzak durulacak|kesinlikle olmaz|hic olmaz",
    -0.55,
  ],
  [
    "(?:gec|kirik|hasarli|eksik|bozuk|yanlis|soguk|ezik|hic gec)(?: \\S+)? (?:gelmedi|gelmemis|gelmiyor|ulasmadi|olmadi|cikmadi)",
    0.4,
  ],
  [
    "(?:tavsiye ederim|tavsiye ediyorum|tavsiye edirem|tavsiye edilir|siddetle tavsiye|herkese tavsiye|kesinlikle tavsiye|gonul rahatligiyla|gozu kapali|gozunuz kapali|gozu kapali alin|alin derim|kesinlikle alin|kesinlikle alinmali|hic dusunmeden alin|dusunmeden alin|pisman olmazsiniz|pisman olmayacaksiniz|paha bicilemez|fiyat performans urunu|bu fiyata (?:\\S+ )?(?:harika|super|mukemmel|muazzam|iyi|kacmaz)|beklentimin (?:cok )?(?:uzerinde|ustunde)|bekledigimden (?:cok |daha )?(?:iyi|guzel|kaliteli|hizli|kullanisli)|ellerinize saglik|elinize saglik|eline saglik|ellerine saglik|emeginize saglik|on numara|10 numara|bir numara|efsane|bayildim)",
    0.75,
  ],
  [
    "(?:hic|hicbir|higbir) (?:sikayetim|sorunum|problemim|sorun|problem|sikinti|sikintim|bir sorun|bir problem|bir sikinti) (?:yok|yasamadim|yasamadik|olmadi|cikmadi|cikarmadi|yasanmadi)|sorun yasamadim|problem yasamadim|sikinti yasamadim|sikayetim yok|sorunsuz|problemsiz|sikintisiz",
    0.55,
  ],
  [
    `(?:tavsiye etmem|tavsiye etmiyorum|tavsiye etmiyom|tavsiye etmiyoz|tavsiye etmiycem|tavsiye etmicem|onermiyom|tavsiye etmiyoruz|tavsiye etmeyecegim|tavsiye edilmez|onermem|onermiyorum|almayin|almayiniz|almayin derim|sakin almayin|sakin ha|sakin bu|uzak durun|uzak durunuz|uzak durmanizi|bulasmayin|kacin|kacinin|kandirmaca|dolandirici|dolandiricilar|dolandirildim|kazik|kazik yedim|para tuzagi|paramiza yazik|paraniza yazik|parama yazik|paraya yazik|paramiza acidim|paraniza yazik|para cope|cope atilmis para|cope giden para|vakit kaybi|zaman kaybi|zaman kaybettim|vaktimi (?:\\S+ )?(?:aldi|harcadim)|paranizi (?:\\S+ )?(?:cope|sokaga)|paranizi vermeyin|paranizi harcamayin|bir daha asla|asla almam|asla almayin|asla tercih|bir daha (?:\\S+ )?${TR_PATRON}|artik (?:\\S+ )?${TR_PATRON}|son (?:kez|kere|defa) (?:aliyorum|alisveris|siparis|tercih))`,
    -0.8,
  ],
  [
    "(?:cevap|yanit|donus|geri donus|geri donut|donut|bilgi|bilgilendirme|destek|ilgi|muhatap)(?: \\S+)? (?:vermediler|vermedi|vermiyor|vermiyorlar|vermiyorsunuz|yapmadilar|yapmadi|yapmiyor|yapmiyorlar|yapilmadi|alamadim|alamiyorum|alamadik|bulamadim|bulamiyorum|gelmedi|yok|olmadi|edilmedi|gosterilmedi|gostermediler|gostermiyor)",
    -0.6,
  ],
  [
    "(?:hala|hale|halen|hala da|hâlâ|hala bile|hala hic)(?: \\S+)?(?: \\S+)? (?:gelmedi|bekliyorum|bekliyoruz|bekletiliyorum|ulasmadi|donus yok|cevap yok|yok|ses yok|iade edilmedi|yapilmadi|gonderilmedi|gondermediler|cozulmedi|cozulmus degil|duzelmedi|calismiyor|kargoya verilmedi|teslim edilmedi|yatmadi|yatirilmadi|odenmedi)",
    -0.6,
  ],
  [
    "(?:gel|ulas|calis|acil|don|geri don|dondur|ara|geri ara|duzel|cozul|coz|gonderil|gonder|yanitla|baglan|yuklen|sarj ol|sarj et|teslim et|teslim edil|iade et|iade edil|kargola|kargoya ver|yatir|yatiril|ode|odenme|ilgilen|tut|cek)(?:m(?:iyor|uyor|iyo|uyo|adi|edi|adilar|ediler|amis|emis|adiniz|ediniz|az|ez|ayacak|eyecek)\\S*)",
    -0.5,
  ],
  [
    "(?:surekli|devamli|habire|sik sik|her seferinde|hep|durmadan|ikide bir|mutemadiyen)(?: \\S+)? (?:bozuluyor|bozuldu|donuyor|kapaniyor|kopuyor|cokuyor|hata veriyor|kasiyor|kesiliyor|gidip geliyor|takiliyor|kitleniyor|resetleniyor|yeniden basliyor|cikis yapiyor|atiyor|ariza veriyor|sorun cikariyor|calismiyor|iptal)",
    -0.6,
  ],
  [
    "(?:soguk|buz gibi|gec|kirik|hasarli|eksik|yanlis|bozuk|acilmis|ezik|kullanilmis|yirtik|lekeli|cizik|cizilmis|patlak|kirilmis|ezilmis|yanik|cig|bayat|pis|kirli|islak|erimis|akmis|dokulmus|farkli|sahte|defolu|arizali|tarihi gecmis)(?: \\S+)? (?:geldi|gelmis|gonderildi|gonderilmis|gonderdiler|gondermisler|teslim edildi|ulasti|cikti|servis edildi|verildi|elime ulasti)",
    -0.6,
  ],
  [
    "(?:iki|2|uc|3|birkac|defalarca|kac|bir suru|onlarca|bircok|dort|4|5|bes) (?:kez|kere|defa|sefer) (?:\\S+ )?(?:aradim|aradik|yazdim|yazdik|mail attim|ulastim|ulasmaya|sikayet|talep|arayip|mesaj)|(?:iki|2) (?:kez|kere|defa) (?:\\S+ )?(?:cekildi|cekilmis|odeme|ucret|tahsil)|cift cekim|fazladan (?:ucret|para|cekim)|param (?:\\S+ )?(?:iade edilmedi|yatmadi|geri gelmedi|gitti)|paramizi (?:\\S+ )?(?:iade etmediler|vermediler|geri vermediler)",
    -0.6,
  ],
  // complaints told as events in many domains
  [
    "(?:iptal|iptali) (?:ettiler|etti|etmisler|etmis|edildi|edilmis|oldu|olmus|ettiniz|ettim|ettik|etmek zorunda kaldim|etmek zorunda kaldik)|ne (?:\\S+ )?(?:iyi\\S*|guzel\\S*|lezzetli\\S*|temiz\\S*|kaliteli\\S*|hizli\\S*|ilgili\\S*|guler yuzlu\\S*) ne \\S+|(?:kalite|kalitesi|lezzet|lezzeti|ilgi|hijyen|temizlik|saygi|hizmet|nezaket|ozen)(?: hic| sifir)? (?:yok|yoktu)|(?:yuzume|yuzumuze) (?:\\S+ )?kapat\\S*|(?:telefonu|telefon|hatti) (?:\\S+ )?kapatt(?:ilar|i|iniz)|(?:vaktimi|zamanimi|vaktimizi|zamanimizi) (?:\\S+ )?(?:caldi|caldilar|caldiniz|harcattilar|bosa harcadim|bosa harcadik|yedi|yediler)|(?:sonuc|netice|cozum|care|geri donus|donus|cevap|yanit|ses|haber) (?:yok|alamadim|alamadik|cikmadi|bulunamadi|gelmedi|bulamadim|verilmedi)|(?:defalarca|kac kez|kac kere|bir suru kez|onlarca kez|her gun|gunlerdir|haftalardir|aylardir) (?:\\S+ )?(?:aradim|aradik|yazdim|yazdik|mail attim|ulasmaya calistim|sikayet ettim|gittim|gittik|bekliyorum|bekliyoruz|ugrasiyorum)|(?:gurultu\\S* (?:yuzunden )?)?(?:uyuyamadik|uyuyamadim|uyuyamiyoruz|uyuyamiyorum|dinlenemedik|dinlenemedim)",
    -0.6,
  ],
  [
    "(?:\\d+|bir|iki|uc|dort|bes|alti|yedi|sekiz|dokuz|on|onbes|yirmi|otuz|kirk|birkac|kac|bunca|yarim) (?:gundur|haftadir|aydir|saattir|gun oldu|hafta oldu|ay oldu|gun gecti|hafta gecti) (?:\\S+ )?(?:\\S+ )?(?:yolda|bekliyorum|bekliyoruz|bekletiliyorum|gelmedi|ulasmadi|ulasamiyorum|cevap yok|donus yok|kargoda|hazirlaniyor|oyalaniyorum|ugrasiyorum|ses yok|gonderilmedi|kargoya verilmedi)|(?:bu )?ne bicim (?:\\S+ )?(?:hizmet|is|firma|magaza|otel|restoran|banka|kargo|musteri|sirket|uygulama|personel|davranis|yemek)\\S*|(?:hizmet|hizmeti|hizmetler|hizmetleri|destek|ilgi|kalite|kalitesi|iletisim|guven|saygi|hijyen|temizlik|lezzet|musteri memnuniyeti)(?: \\S+)? (?:sifir|sifirdir|sifir puan|yerlerde|dibe vurmus|dipte)",
    -0.65,
  ],
  [
    "(?:iade|iadesi|iademi|iadem|odeme|odemem|odemesi|islem|islemim|islemi|talep|talebim|talebi|sikayet|sikayetim|sikayetimiz|basvuru|basvurum|kayit|kaydim|siparis|siparisim|rezervasyon|rezervasyonum|para iadesi|ucret iadesi|degisim|degisimi|garanti)(?: \\S+)? (?:yapilmadi|yapilmiyor|yapilmamis|gerceklesmedi|gerceklesmiyor|sonuclanmadi|onaylanmadi|tamamlanmadi|islenmedi|karsilanmadi|dikkate alinmadi|cevaplanmadi|yanitlanmadi|cozulmedi|halledilmedi|yapmadilar|yapmadiniz|alinmadi|olusturulmadi|iletilmedi|kabul edilmedi|kabul etmediler|reddedildi|reddettiler|kapsamina almadilar)|(?:resimdeki|resimlerdeki|fotograftaki|fotograflardaki|gorseldeki|gorsellerdeki|aciklamadaki|anlatildigi|sitedeki|ilandaki|reklamdaki|reklamlardaki|tanitimdaki|gosterildigi|yazdigi|yazildigi) (?:gibi|kadar) (?:\\S+ )?(?:degil\\S*|gelmedi|cikmadi|olmadi)|(?:hamur|lastik|kullanilmis|ikinci el|plastik|karton|sakiz|tahta|cop) gibi\\S*",
    -0.6,
  ],
  [
    "(?:fiyat|fiyati|fiyatlar|fiyatlari|ucret|ucreti|ucretler|ucretleri|fatura|faturam|faturamiz|faturasi|faturalar|komisyon|komisyonu|faiz|faizi|kargo ucreti|aidat|aidati|masraf|masraflar|masraflari)(?: cok| asiri| gercekten| fazlasiyla| inanilmaz| biraz)? (?:yuksek|yuksekti|fahis|ucuk|asiri|tuzlu|pahali|cok fazla|fazla|kazik|uctu|ucmus|ates pahasi)(?: geldi| gelmis| cikti)?|(?:porsiyon|porsiyonlar|porsiyonlari|miktar|miktari|gramaj|gramaji|oda|odalar|odasi|banyo|banyosu)(?: cok| asiri| oldukca| gercekten)? (?:kucuk|kucuktu|kucucuk|minnacik|az|azdi|yetersiz|yetersizdi|dar|dardi)|(?:sure|suresi|teslimat|teslimat suresi|bekleme|bekleme suresi|kuyruk|sira|kargo suresi)(?: cok| asiri| gereksiz| fazlasiyla)? (?:uzun|uzundu|fazla|fazlaydi|uzadi|uzuyor)",
    -0.45,
  ],
  [
    "(?:kartimi|kartimizi|kartim|kartimi da) (?:\\S+ )?(?:yuttu|yuttular|alikoydu|bloke etti|bloke ettiler|iptal ettiler)|fazladan (?:\\S+ )?(?:yazmislar|yazdilar|yazilmis|cekmisler|cektiler|aldilar|almislar|yansitmislar|kesmisler|kestiler|ucret|para|cekim)|(?:havlu|havlular|sabun|sampuan|terlik|klima|sicak su|wifi|otopark|asansor|gorevli|garson|kahvalti|elektrik|isitma|kalorifer|pecete|catal|kasik|sos|ketcap|icecek|icecekler|fatura|fis|aciklama|ozur)(?:[iu]|s[iu]|lar|ler|lari|leri)? (?:yoktu|bulunmuyordu|kalmamisti|vermediler|koymamislar|unutmuslar|gondermediler|eklememisler|calismiyordu|calismiyor|bozuktu)|(?:hiz|hizi|cekim|cekimi|sinyal|sinyali|performans|performansi|basinc|basinci|baglanti|baglantisi)(?: cok| asiri| gercekten| oldukca| inanilmaz)? (?:dusuk|dusuktu|zayif|zayifti|kotu|yetersiz|berbat)",
    -0.55,
  ],
  [
    "(?:kalite|kalitesi|lezzet|lezzeti|hizmet|hizmeti|hizmet kalitesi|standart|standardi|performans|performansi)(?: \\S+)?(?: \\S+)?(?: cok| epey| bayagi| iyice| baya)? (?:dustu|dusmus|geriledi|kotulesti|kotulesmis|bozuldu|bozulmus)|(?:fotograflardan|fotograftan|resimden|resimlerden|gorselden|gorsellerden|aciklamadan|sitedekinden|ilandakinden|reklamdakinden)(?: cok| tamamen| bambaska)? (?:farkli\\S*|bambaska\\S*|alakasiz\\S*)|kendi kendine (?:\\S+ )?(?:kapan\\S*|acil\\S*|yeniden basl\\S*|resetlen\\S*|kapanip)|(?:iki|2|uc|3|dort|4|bes|5|birkac|defalarca) (?:kez|kere|defa|sefer) (?:\\S+ )?(?:gittim|gittik|gitmek zorunda|gelmek zorunda)",
    -0.55,
  ],
  [
    "(?:oturumu|oturumumu|oturumdan|hesabimdan|uygulamadan) (?:\\S+ )?(?:kapatiyor|atiyor|cikariyor|dusuyor|cikis yapiyor)|(?:bir|iki|uc|\\d+|birkac) (?:gun|hafta|ay) sonra (?:ancak |anca )?(?:cevap|yanit|donus|geri donus)\\S* (?:geldi|verdiler|verildi|yaptilar|yapildi)|(?:cok|asiri|fazla|fazlasiyla|cok fazla|surekli|hep) (?:\\S+ )?(?:reklam|reklamlar|bildirim|bildirimler|spam|mesaj)(?: var| geliyor| gosteriyor| cikiyor| gonderiyor| atiyor| atiyorlar| gonderiyorlar)|reklam dolu|hata dolu|(?:hicbir sey|hic bir sey|hicbirsey|hic bisey) icin (?:cok )?(?:tesekkur\\S*|sagolun)|(?:degistirmediler|degistirmiyorlar|degistirmedi|tamir etmediler|tamir etmedi|yenisini gondermediler|yenisini vermediler|iade almadilar|iadeyi kabul etmediler|iade kabul etmediler|kabul etmediler)|(?:surekli|devamli|habire|hep) (?:\\S+ )?(?:gonderiyor|gonderiyorlar|ariyor|ariyorlar|rahatsiz ediyor\\S*)",
    -0.55,
  ],
];

const SOURCES: Readonly<Record<Locale, readonly PatternSpec[]>> = { en: EN, fa: FA, ar: AR, tr: TR };

/** All of one locale's patterns as one regular expression; capture group i+1 is pattern i. */
/**
 * A locale's patterns as a few regular expressions, each an alternation in the patterns' order; capture group
 * i+1 of a part is that part's pattern i. V8 stops optimizing a regular expression whose source passes about
 * 20,000 characters (matching then gets ten times slower), so the patterns are cut into parts below that.
 */
export interface CompiledPatterns {
  readonly parts: readonly { readonly regex: RegExp; readonly weights: readonly number[] }[];
}

/** The longest source of one part: well under V8's limit for optimized regular expressions. */
const MAX_PART_SOURCE = 16_000;

/** Canonicalizes the letters of a pattern (never its ASCII regex syntax) the way user text is. */
function canonical(source: string, locale: Locale): string {
  return source.replace(/[^ -~]+/g, (run) => matchKey(normalizeText(run, locale), locale));
}

function compile(raw: readonly PatternSpec[], locale: Locale): CompiledPatterns {
  const specs = raw.map(([source, weight]): PatternSpec => [canonical(source, locale), weight]);
  for (const [source] of specs) {
    if (/\((?!\?)/.test(source.replace(/\\\(/g, "")))
      throw new Error(`capturing group in pattern: ${source}`);
  }
  const groups: PatternSpec[][] = [[]];
  let size = 0;
  for (const spec of specs) {
    const current = groups[groups.length - 1] ?? [];
    if (current.length > 0 && size + spec[0].length + 3 > MAX_PART_SOURCE) {
      groups.push([spec]);
      size = spec[0].length + 3;
    } else {
      current.push(spec);
      size += spec[0].length + 3;
    }
  }
  return {
    parts: groups
      .filter((g) => g.length > 0)
      .map((group) => ({
        regex: new RegExp(`(?:${group.map(([source]) => `(${source})`).join("|")})(?![^ ])`, "y"),
        weights: group.map(([, w]) => w),
      })),
  };
}

/** Each locale's patterns, compiled once at module load. */
export const PATTERNS: Readonly<Record<Locale, CompiledPatterns>> = {
  en: compile(SOURCES.en, "en"),
  fa: compile(SOURCES.fa, "fa"),
  ar: compile(SOURCES.ar, "ar"),
  tr: compile(SOURCES.tr, "tr"),
};

/** A pattern found in a text: it starts at token `start`, spans `length` tokens and weighs `weight`. */
export interface PatternMatch {
  readonly start: number;
  readonly length: number;
  readonly weight: number;
  readonly text: string;
}

/** Finds the non-overlapping patterns in a text's match keys, leftmost first. */
export function findPatterns(keys: readonly string[], locale: Locale): PatternMatch[] {
  const compiled = PATTERNS[locale];
  const out: PatternMatch[] = [];
  if (keys.length === 0) return out;
  const joined = keys.join(" ");
  // A sticky match tried at each token start only: far cheaper than scanning every character. The parts are
  // tried in order, so an earlier pattern wins as it would in one alternation.
  let offset = 0;
  for (let i = 0; i < keys.length; ) {
    let m: RegExpExecArray | null = null;
    let weights: readonly number[] = [];
    for (const part of compiled.parts) {
      part.regex.lastIndex = offset;
      m = part.regex.exec(joined);
      if (m !== null) {
        weights = part.weights;
        break;
      }
    }
    if (m === null) {
      offset += (keys[i] ?? "").length + 1;
      i++;
      continue;
    }
    let which = 1;
    while (which < m.length && m[which] === undefined) which++;
    const text = m[0];
    let length = 1;
    for (let c = 0; c < text.length; c++) if (text.charCodeAt(c) === 0x20) length++;
    out.push({ start: i, length, weight: weights[which - 1] ?? 0, text });
    for (let k = 0; k < length; k++) offset += (keys[i + k] ?? "").length + 1;
    i += length;
  }
  return out;
}
