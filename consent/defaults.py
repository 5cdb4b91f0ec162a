"""The four plain-language forms every practice starts with, in each language the
product speaks (issue 18). Owners edit them and may add languages.

Each form: the purposes it asks about and, per language code, (title, wording) in
consent.markup's small Markdown subset.
"""

DEFAULT_TEMPLATES = [
    {
        "purposes": ["treatment", "second_opinion", "teaching", "publication"],
        "texts": {
            "en-gb": (
                "Clinical photographs: how we may use them",
                """We would like to take photographs of the area we are treating. Please answer yes or \
no to each use below. Each answer is separate: you can say yes to one and no to \
another.

**For your care.** The photos go in your medical record so that we can see how your \
condition changes and plan your care. Only staff who look after you see them.

**Asking another doctor for advice.** We may send a specialist a secure link to the \
photos they need. The link stops working after a few days.

**Teaching.** A photo may be shown to doctors, nurses and students, without your \
name.

**Publication.** A photo may be published in a medical journal or book, without your \
name. Once printed it cannot be taken back.

**How they are kept.** The photos are encrypted and kept with your record for as \
long as the law requires, then deleted.

**Your choice.** Saying no does not change the care you receive. You can change your \
mind about any of these at any time: tell any member of staff.""",
            ),
            "de": (
                "Klinische Fotos: wie wir sie verwenden dürfen",
                """Wir möchten den Bereich fotografieren, den wir behandeln. Bitte beantworten Sie jede \
der folgenden Verwendungen mit Ja oder Nein. Jede Antwort gilt für sich: Sie können \
einer Verwendung zustimmen und eine andere ablehnen.

**Für Ihre Behandlung.** Die Fotos kommen in Ihre Patientenakte, damit wir sehen, \
wie sich Ihr Befund verändert, und Ihre Behandlung planen können. Nur die \
Mitarbeitenden, die Sie betreuen, sehen sie.

**Rat bei einer anderen Ärztin oder einem anderen Arzt.** Wir können einer \
Fachärztin oder einem Facharzt einen sicheren Link zu den benötigten Fotos senden. \
Der Link funktioniert nach wenigen Tagen nicht mehr.

**Lehre.** Ein Foto kann Ärztinnen und Ärzten, Pflegekräften und Studierenden \
gezeigt werden, ohne Ihren Namen.

**Veröffentlichung.** Ein Foto kann ohne Ihren Namen in einer medizinischen \
Fachzeitschrift oder einem Fachbuch veröffentlicht werden. Was einmal gedruckt ist, \
kann nicht zurückgenommen werden.

**Wie die Fotos aufbewahrt werden.** Sie werden verschlüsselt und so lange mit Ihrer \
Akte aufbewahrt, wie das Gesetz es verlangt, und danach gelöscht.

**Ihre Entscheidung.** Ein Nein ändert nichts an Ihrer Behandlung. Sie können jede \
dieser Einwilligungen jederzeit widerrufen: Sagen Sie es einfach einem Mitglied \
unseres Teams.""",
            ),
            "fr": (
                "Photographies cliniques : comment nous pouvons les utiliser",
                """Nous souhaitons photographier la zone que nous soignons. Veuillez répondre oui ou \
non à chacune des utilisations ci-dessous. Chaque réponse est indépendante : vous \
pouvez accepter l'une et refuser l'autre.

**Pour vos soins.** Les photos sont versées à votre dossier médical afin que nous \
puissions suivre l'évolution de votre état et organiser vos soins. Seul le personnel \
qui s'occupe de vous peut les voir.

**Demander l'avis d'un autre médecin.** Nous pouvons envoyer à un spécialiste un \
lien sécurisé vers les photos dont il a besoin. Le lien cesse de fonctionner au bout \
de quelques jours.

**Enseignement.** Une photo peut être montrée à des médecins, des infirmiers et des \
étudiants, sans votre nom.

**Publication.** Une photo peut être publiée dans une revue ou un ouvrage médical, \
sans votre nom. Une fois imprimée, elle ne peut plus être retirée.

**Conservation.** Les photos sont chiffrées et conservées avec votre dossier aussi \
longtemps que la loi l'exige, puis supprimées.

**Votre choix.** Refuser ne change rien aux soins que vous recevez. Vous pouvez \
retirer chacun de ces consentements à tout moment : il suffit de le dire à un membre \
du personnel.""",
            ),
            "es": (
                "Fotografías clínicas: cómo podemos usarlas",
                """Nos gustaría fotografiar la zona que estamos tratando. Por favor, responda sí o no a \
cada uno de los usos siguientes. Cada respuesta es independiente: puede decir que sí \
a uno y que no a otro.

**Para su atención.** Las fotos se incorporan a su historia clínica para que podamos \
ver cómo evoluciona su afección y planificar su tratamiento. Solo las ve el personal \
que le atiende.

**Consultar a otro médico.** Podemos enviar a un especialista un enlace seguro a las \
fotos que necesite. El enlace deja de funcionar al cabo de unos días.

**Docencia.** Una foto puede mostrarse a médicos, personal de enfermería y \
estudiantes, sin su nombre.

**Publicación.** Una foto puede publicarse en una revista o un libro de medicina, \
sin su nombre. Una vez impresa, no puede retirarse.

**Cómo se conservan.** Las fotos se cifran y se conservan con su historia clínica \
durante el tiempo que exija la ley; después se eliminan.

**Su decisión.** Decir que no, no cambia la atención que recibe. Puede retirar \
cualquiera de estos consentimientos en cualquier momento: basta con decírselo a \
cualquier miembro del personal.""",
            ),
        },
    },
    {
        "purposes": ["treatment"],
        "texts": {
            "en-gb": (
                "Photographs for your care",
                """We would like to take photographs of the area we are treating.

**What the photos are for.** They go in your medical record so that we can see how \
your condition changes over time and plan your care.

**Who sees them.** Only the staff of this practice who look after you.

**How they are kept.** The photos are encrypted and kept with your record for as \
long as the law requires, then deleted.

**Your choice.** Saying no does not change the care you receive. You can change your \
mind at any time: tell any member of staff.""",
            ),
            "de": (
                "Fotos für Ihre Behandlung",
                """Wir möchten den Bereich fotografieren, den wir behandeln.

**Wofür die Fotos sind.** Sie kommen in Ihre Patientenakte, damit wir sehen, wie \
sich Ihr Befund im Lauf der Zeit verändert, und Ihre Behandlung planen können.

**Wer sie sieht.** Nur die Mitarbeitenden dieser Praxis, die Sie betreuen.

**Wie die Fotos aufbewahrt werden.** Sie werden verschlüsselt und so lange mit Ihrer \
Akte aufbewahrt, wie das Gesetz es verlangt, und danach gelöscht.

**Ihre Entscheidung.** Ein Nein ändert nichts an Ihrer Behandlung. Sie können Ihre \
Einwilligung jederzeit widerrufen: Sagen Sie es einfach einem Mitglied unseres \
Teams.""",
            ),
            "fr": (
                "Photos pour vos soins",
                """Nous souhaitons photographier la zone que nous soignons.

**À quoi servent les photos.** Elles sont versées à votre dossier médical afin que \
nous puissions suivre l'évolution de votre état dans le temps et organiser vos \
soins.

**Qui les voit.** Uniquement le personnel de ce cabinet qui s'occupe de vous.

**Conservation.** Les photos sont chiffrées et conservées avec votre dossier aussi \
longtemps que la loi l'exige, puis supprimées.

**Votre choix.** Refuser ne change rien aux soins que vous recevez. Vous pouvez \
retirer votre consentement à tout moment : il suffit de le dire à un membre du \
personnel.""",
            ),
            "es": (
                "Fotos para su atención",
                """Nos gustaría fotografiar la zona que estamos tratando.

**Para qué sirven las fotos.** Se incorporan a su historia clínica para que podamos \
ver cómo evoluciona su afección con el tiempo y planificar su tratamiento.

**Quién las ve.** Solo el personal de esta clínica que le atiende.

**Cómo se conservan.** Las fotos se cifran y se conservan con su historia clínica \
durante el tiempo que exija la ley; después se eliminan.

**Su decisión.** Decir que no, no cambia la atención que recibe. Puede retirar su \
consentimiento en cualquier momento: basta con decírselo a cualquier miembro del \
personal.""",
            ),
        },
    },
    {
        "purposes": ["second_opinion"],
        "texts": {
            "en-gb": (
                "Asking another doctor for advice",
                """Sometimes we ask a specialist outside this practice for their opinion.

**What happens.** We send them a secure link to the photos they need. The link stops \
working after a few days, and every time it is opened is recorded.

**What they see.** The photos and the reason we are asking, not your whole record.

**Your choice.** Saying no does not change the care you receive. If you say yes and \
later change your mind, any link still open stops working at once.""",
            ),
            "de": (
                "Eine Zweitmeinung einholen",
                """Manchmal bitten wir eine Fachärztin oder einen Facharzt außerhalb dieser Praxis um \
eine Einschätzung.

**Was geschieht.** Wir senden einen sicheren Link zu den benötigten Fotos. Der Link \
funktioniert nach wenigen Tagen nicht mehr, und jedes Öffnen wird protokolliert.

**Was dort zu sehen ist.** Die Fotos und der Grund unserer Anfrage, nicht Ihre ganze \
Akte.

**Ihre Entscheidung.** Ein Nein ändert nichts an Ihrer Behandlung. Wenn Sie \
zustimmen und Ihre Einwilligung später widerrufen, funktioniert jeder noch offene \
Link sofort nicht mehr.""",
            ),
            "fr": (
                "Demander l'avis d'un autre médecin",
                """Il nous arrive de demander l'avis d'un spécialiste extérieur à ce cabinet.

**Comment cela se passe.** Nous lui envoyons un lien sécurisé vers les photos dont \
il a besoin. Le lien cesse de fonctionner au bout de quelques jours, et chaque \
ouverture est enregistrée.

**Ce qu'il voit.** Les photos et la raison de notre demande, pas l'ensemble de votre \
dossier.

**Votre choix.** Refuser ne change rien aux soins que vous recevez. Si vous acceptez \
puis retirez votre consentement, tout lien encore ouvert cesse immédiatement de \
fonctionner.""",
            ),
            "es": (
                "Consultar a otro médico",
                """A veces pedimos la opinión de un especialista ajeno a esta clínica.

**Qué ocurre.** Le enviamos un enlace seguro a las fotos que necesita. El enlace \
deja de funcionar al cabo de unos días y cada vez que se abre queda registrado.

**Qué ve.** Las fotos y el motivo de nuestra consulta, no toda su historia clínica.

**Su decisión.** Decir que no, no cambia la atención que recibe. Si dice que sí y \
más adelante retira su consentimiento, cualquier enlace que siga abierto deja de \
funcionar de inmediato.""",
            ),
        },
    },
    {
        "purposes": ["teaching", "publication"],
        "texts": {
            "en-gb": (
                "Teaching and publication",
                """Photos can help us teach doctors, nurses and students.

**What happens.** A photo may be shown in a lecture or a training session. We show \
only the part of the body that matters and never your name.

**Publication.** A photo may also be published in a medical journal or book, without \
your name. Once printed it cannot be taken back, but nothing new will use it after \
you withdraw.

**Your choice.** Answer each use separately. Saying no does not change the care you \
receive. You can withdraw at any time.""",
            ),
            "de": (
                "Lehre und Veröffentlichung",
                """Fotos können uns helfen, Ärztinnen und Ärzte, Pflegekräfte und Studierende \
auszubilden.

**Was geschieht.** Ein Foto kann in einer Vorlesung oder einer Fortbildung gezeigt \
werden. Wir zeigen nur den Körperbereich, auf den es ankommt, und niemals Ihren \
Namen.

**Veröffentlichung.** Ein Foto kann außerdem ohne Ihren Namen in einer medizinischen \
Fachzeitschrift oder einem Fachbuch veröffentlicht werden. Was gedruckt ist, kann \
nicht zurückgenommen werden, aber nach Ihrem Widerruf wird das Foto für nichts Neues \
mehr verwendet.

**Ihre Entscheidung.** Beantworten Sie jede Verwendung einzeln. Ein Nein ändert \
nichts an Ihrer Behandlung. Sie können Ihre Einwilligung jederzeit widerrufen.""",
            ),
            "fr": (
                "Enseignement et publication",
                """Les photos peuvent nous aider à former des médecins, des infirmiers et des \
étudiants.

**Comment cela se passe.** Une photo peut être montrée lors d'un cours ou d'une \
formation. Nous ne montrons que la partie du corps concernée, et jamais votre nom.

**Publication.** Une photo peut aussi être publiée dans une revue ou un ouvrage \
médical, sans votre nom. Une fois imprimée, elle ne peut plus être retirée, mais \
elle ne servira à rien de nouveau après votre retrait.

**Votre choix.** Répondez séparément pour chaque utilisation. Refuser ne change rien \
aux soins que vous recevez. Vous pouvez retirer votre consentement à tout moment.""",
            ),
            "es": (
                "Docencia y publicación",
                """Las fotos pueden ayudarnos a formar a médicos, personal de enfermería y estudiantes.

**Qué ocurre.** Una foto puede mostrarse en una clase o en una sesión de formación. \
Solo mostramos la parte del cuerpo que interesa y nunca su nombre.

**Publicación.** Una foto también puede publicarse en una revista o un libro de \
medicina, sin su nombre. Una vez impresa no puede retirarse, pero tras su retirada \
no se usará en nada nuevo.

**Su decisión.** Responda a cada uso por separado. Decir que no, no cambia la \
atención que recibe. Puede retirar su consentimiento en cualquier momento.""",
            ),
        },
    },
]
