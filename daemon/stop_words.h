/* daemon/stop_words.h — the stop words of the news languages beyond the
 * nine daemon/text.c lists first (en fr de es it pt nl sv da/no): each
 * language's commonest function words, folded as daemon/text.c folds
 * them (lower case; the Arabic-script letter forms of rtl_fold.h; Greek
 * final sigma as σ; Turkish and Azerbaijani as their I/ı pairing).  A
 * story of one of these languages took the English list, so its "и", "в",
 * "на", "bir", "bu", "في", "من", "در", "به" were terms: two unrelated
 * headlines that shared only those joined one thread, whose keywords were
 * those words.  Included by daemon/text.c and by the reference tokenizer
 * tests/unit/ref/text_v1.c, which must agree on every token.  Text with
 * no language tag keeps the English list: no language is guessed. */
#ifndef TIDINGS_STOP_WORDS_H
#define TIDINGS_STOP_WORDS_H

#include <stddef.h>
#include <string.h>

struct stop_words {
	const char *codes;  /* the two-letter codes it serves, space-separated */
	const char *words;  /* folded, space-separated */
};

static const struct stop_words stop_more[] = {
	/* Russian */
	{ "ru",
	  "и в во не что он на я с со как а то все всё она так его но "
	  "да ты к у же вы за бы по только ее её мне было вот от меня "
	  "еще ещё нет о об из ему теперь когда даже ли если уже или ни "
	  "быть был была были него до вас уж вам ведь там потом себя ей "
	  "может они тут где есть ней для мы тебя их чем сам чтобы без "
	  "чего тоже себе под будет будут ж тогда кто этот того потому "
	  "этого какой ним здесь этом тем при после над больше тот "
	  "через эти нас про всего них эту этой перед том такой им "
	  "более между это также который которые которая которого "
	  "которой которых котором свой своей свои своих сказал заявил "
	  "заявила сообщил сообщили" },
	/* Ukrainian */
	{ "uk",
	  "і й та в у на з із зі до від для по про що як це не ні але "
	  "або бо чи якщо коли де хто його її їх він вона воно вони ми "
	  "ви я ти цей ця ці цього цієї цих того той ті також вже ще "
	  "лише тільки після через між під над при без за о об може "
	  "буде будуть було був була були є має мають який яка яке які "
	  "якого якої яких якому свій своє своїх свою себе так тому там "
	  "тут ж же б би навіть заявив заявила повідомив повідомили" },
	/* Bulgarian */
	{ "bg",
	  "какво кой коя кое кои защо как и в във на с със за от до по "
	  "при че да не се си е са бе беше бяха ще като но или ако "
	  "когато който която което които този тази това тези той тя то "
	  "те ние вие аз ти му ѝ им го я ги ли ни ви след през между "
	  "под над без към също още вече само там тук така заяви каза "
	  "съобщи" },
	/* Polish */
	{ "pl",
	  "i w we z ze na do od o u a ale kto kim czym lub albo czy że "
	  "iż to jest są był była było byli były być się nie tak jak co "
	  "który która które którego której których którym jego jej ich "
	  "go mu im on ona ono oni one my wy ja ty ten ta te tego tej "
	  "tym tych po przez przy dla bez pod nad przed za oraz także "
	  "też już jeszcze tylko gdy gdyż jeśli aby żeby by ma mają "
	  "może będzie będą został została zostało zostali zostały "
	  "według wobec podczas między jednak więc czyli sobie siebie "
	  "powiedział poinformował" },
	/* Czech and Slovak */
	{ "cs sk",
	  "a i v ve kdo kto na s se z ze do od o u k ke po pro při za "
	  "že to je jsou byl byla bylo byli být není nebo ale jak co "
	  "který která které kterého kteří jeho její jejich jsem jsme "
	  "jste už ještě také jen když aby by bude budou mezi před pod "
	  "nad bez přes podle proti tak tento tato toto tyto ten ta ty "
	  "tím jako si sebe má mají může řekl uvedl vo so zo ku pre pri "
	  "sú bol bola bolo boli byť nie alebo ako čo ktorý ktorá ktoré "
	  "ktorého ktorí som sme ste ešte tiež len keď budú medzi cez "
	  "podľa táto tieto tá tie sa majú môže povedal uviedol" },
	/* Serbian, Croatian and Bosnian, in both scripts */
	{ "sr hr bs",
	  "ko tko zašto kako ко зашто како i u na sa s za od do po o iz "
	  "da je su ne nije nisu bio bila bilo bili biti će se što šta "
	  "koji koja koje kojeg kojih kojem ali ili a kao te to ta taj "
	  "ove ovaj ova ovo on ona oni ono mi vi ja ti njegov njena "
	  "njihov još već samo kada kad ako jer prema između pod nad "
	  "bez kroz tokom nakon prije pre posle poslije tako također "
	  "takođe ga mu joj im ih rekao и у на са с за од до по о из да "
	  "је су не није нису био била било били бити ће се што шта "
	  "који која које којег којих ком али или а као те то та тај "
	  "ове овај ова ово он она они оно ми ви ја ти његов њен њихов "
	  "још већ само када кад ако јер према између под над без кроз "
	  "током након пре после тако такође га му јој им их рекао" },
	/* Turkish */
	{ "tr",
	  "ve bir bu da de ile için gibi daha çok en ama ancak fakat ki "
	  "mi mı mu mü ne o şu her olarak olan oldu olduğu olduğunu "
	  "sonra önce kadar göre değil var yok ise ya veya hem diye "
	  "üzere karşı ayrıca bile sadece şey onun bunun bunu buna dedi "
	  "etti eden ilgili" },
	/* Azerbaijani */
	{ "az",
	  "və bir bu da də ilə üçün kimi daha çox ən amma lakin ancaq "
	  "ki o hər olaraq olan oldu sonra əvvəl qədər görə deyil var "
	  "yox isə ya həm bunu onun bildirib dedi" },
	/* Greek (final ς folded to σ) */
	{ "el",
	  "τι ποιοσ ποια ποιο γιατί και να το τα τη την τησ του των τον "
	  "τισ οι ο η σε στο στη στην στον στα στισ στουσ στων με για "
	  "από που θα δεν μη μην είναι ήταν έχει έχουν ένα μια μία ένασ "
	  "ενόσ μιασ αλλά ή ωσ ότι όπωσ κατά μετά πριν προσ χωρίσ αυτό "
	  "αυτή αυτόσ αυτά αυτέσ αυτοί αυτόν αυτήσ αυτού τουσ σασ μασ "
	  "επί υπό πωσ πώσ όταν ενώ αν καθώσ λόγω ακόμη ακόμα ήδη όμωσ "
	  "δήλωσε" },
	/* Finnish */
	{ "fi",
	  "kuka miksi miten ja on ei se että oli ovat olla olivat ollut "
	  "olleet hän he me te minä sinä mutta tai kun jos niin myös "
	  "vain sekä kuin joka jotka mikä mitä joita jota kanssa mukaan "
	  "jälkeen ennen aikana vielä jo nyt sitä siitä sen sille siinä "
	  "tämä tämän tässä nämä ne niiden hänen heidän ole eikä kaikki "
	  "koska vaan sillä voi kertoi sanoi" },
	/* Hungarian */
	{ "hu",
	  "mit miért hogyan a az és egy is nem hogy de meg van volt "
	  "lesz már még csak mint vagy ha ez azt ezt ami amely aki akik "
	  "amelyek amit azonban pedig után előtt alatt között szerint "
	  "miatt mellett ellen során óta sem se kell lehet lett voltak "
	  "vannak el fel le ki be ő ők mi én te ezek azok ennek annak "
	  "itt ott így úgy mondta közölte" },
	/* Romanian (ș and ş, ț and ţ, and without diacritics) */
	{ "ro",
	  "cine de ce și şi si în in la pe cu din pentru că ca care a "
	  "al ai ale o un unei unui unor este sunt fost au fi nu se să "
	  "sa mai dar sau iar ci după dupa prin spre către catre între "
	  "intre fără fara sub despre lui ei lor el ea ele noi voi eu "
	  "tu acest această aceasta acesta aceste acești aceşti acel "
	  "acea cel cea cei cele cum când cand unde dacă daca deja încă "
	  "doar tot toate toți toţi fiind va vor ar am are până pana "
	  "declarat" },
	/* Catalan */
	{ "ca",
	  "el la els les lo un una uns unes de del dels a al als en i o "
	  "amb per que què qui no es se són és ha han va van ser està "
	  "estan hi ho li seu seva seus seves aquest aquesta aquests "
	  "aquestes aquell aquella com més però sobre entre fins des "
	  "després segons també ja l d s n m" },
	/* Arabic (hamza forms as written: text tagged Arabic keeps them for its stemmer) */
	{ "ar",
	  "في من رغم الرغم بالرغم إلى الى على عن مع أن ان إن أو او ثم "
	  "قد لا لم لن ما هذا هذه ذلك تلك التي التى الذي الذين هو هي هم "
	  "كان كانت يكون بعد قبل بين حتى كل أي اي غير منذ خلال حول ضد "
	  "عند لدى أمام امام لكن بل إذا اذا كما وقد وفي ومن وهو وهي "
	  "وكان وأن وان ولا فيه فيها منه منها عليه عليها له لها لهم به "
	  "بها أنه انه أنها انها إنه قال وقال و" },
	/* Persian (ی ک آ folded to ي ك ا) */
	{ "fa",
	  "و در به از كه اين ان را با است براي مي شد شده بود هم تا يك "
	  "خود نيز اما يا هر بر ها هاي پس پيش بين روي وي او ما انها "
	  "ايشان كند كرده شود بايد نه همه چه چون اگر ديگر هستند بودند "
	  "گفت" },
	/* Urdu (ی ک folded to ي ك) */
	{ "ur",
	  "كے كي كا ميں سے كو نے ہے ہيں اور پر يہ وہ تھا تھے تھي بھي "
	  "ايك كہ كيا گيا گيے گيي جو ليے نہيں تك ساتھ بعد اس ان ہو ہوں "
	  "ہوا ہويے رہا رہے رہي كر كرنے والے والي ہي جس كہا" },
	/* Hebrew */
	{ "he",
	  "לו לה להם שם פי לזה ומי ומה וגם כדי לאחר כאשר שלו שלה שלהם "
	  "אותו אותה אותם של את על עם זה זו זאת הוא היא הם הן לא כי גם "
	  "או אם אבל כל יש אין היה היו הייתה אשר עוד רק בין אל מה מי כך "
	  "לפי אחרי לפני מול נגד כמו עד אחד אחת שלא אך כבר אמר אמרה" },
	/* Hindi */
	{ "hi",
	  "के का की है में से को ने और पर यह वह एक भी हैं कि लिए तो "
	  "नहीं था थे थी हो गया गई गए किया कहा इस उस जो तक साथ बाद ही "
	  "या हुआ हुई रहा रहे रही अपने इसके उसके वे ये इन उन जब तब कुछ "
	  "सभी द्वारा" },
	/* Indonesian and Malay */
	{ "id ms",
	  "siapa apa atas yang dan di ke dari ini itu untuk dengan pada "
	  "dalam adalah ialah tidak akan juga atau oleh sudah telah "
	  "bisa dapat ada karena kerana saat para kepada bagi sebagai "
	  "tersebut namun tetapi tapi hingga sampai antara bahwa bahawa "
	  "jika kalau lebih masih belum hanya agar setelah selepas "
	  "sebelum seperti serta ia dia mereka kami kita saya anda nya "
	  "pun lalu yakni yaitu iaitu secara kata ujar menurut" },
};
#define STOP_MORE_N (sizeof stop_more / sizeof stop_more[0])

/* Whether list's codes name code. */
static inline int stop_words_for(const struct stop_words *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list->codes; *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && !memcmp(p, code, n))
			return 1;
		p += k;
		p += *p == ' ';
	}
	return 0;
}

#endif
