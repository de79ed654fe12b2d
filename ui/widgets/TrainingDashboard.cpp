#include "widgets/TrainingDashboard.h"

#include "dragon/GuardrailCheck.h"
#include "widgets/QCustomPlotInclude.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <tuple>

namespace {

QString loudnessPlotTitle()
{
    return QObject::tr("Eval loudness (median LUFS)");
}

QCustomPlot *makePlot(const QString &title, const QString &yLabel)
{
    auto *p = new QCustomPlot;
    // Tall enough that the tick labels of a value axis do not touch (the dashboard scrolls
    // below that), and four ticks a value axis, so a short plot is not a column of numbers.
    p->setMinimumHeight(170);
    p->yAxis->ticker()->setTickCount(4);
    p->yAxis2->ticker()->setTickCount(4);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont("sans", 9, QFont::Bold)));
    p->xAxis->setLabel(QObject::tr("round"));
    // Rounds are whole numbers: ticks at 1, 2, 5, 10, ... rounds apart, never at 0.5.
    QSharedPointer<QCPAxisTickerFixed> rounds(new QCPAxisTickerFixed);
    rounds->setTickStep(1);
    rounds->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(rounds);
    p->xAxis->setSubTicks(false);
    // The x axis starts half a round before 0; round 0 is a grid line like the others, not the
    // darker zero line that would read as a second y axis.
    p->xAxis->grid()->setZeroLinePen(Qt::NoPen);
    p->yAxis->setLabel(yLabel);
    return p;
}

// The legend in a row of its own under the axes, so it never covers data.
void legendBelow(QCustomPlot *p)
{
    p->legend->setVisible(true);
    p->legend->setFont(QFont("sans", 7));
    // Two entries a row: four in one row made the plot wider than a small window's column.
    p->legend->setWrap(2); // before the fill order, which rearranges the entries by it
    p->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    p->setMinimumHeight(p->minimumHeight() + 20 * ((p->legend->itemCount() + 1) / 2));
    auto *row = new QCPLayoutGrid;
    p->plotLayout()->addElement(2, 0, row);
    row->setMargins(QMargins(0, 0, 0, 2));
    row->addElement(0, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(2, 0.001);
}

QCPGraph *line(QCustomPlot *p, QCPAxis *y, const QColor &colour, const QString &name,
               Qt::PenStyle style = Qt::SolidLine, double width = 2)
{
    QCPGraph *g = p->addGraph(p->xAxis, y);
    g->setPen(QPen(colour, width, style));
    g->setName(name);
    return g;
}

// An estimate at each evaluation (discs on a line) inside its interval (a shaded band between
// two thin lines), with a dashed grey line at `reference` (no effect). Returns the estimate, the
// lower and the upper line.
std::tuple<QCPGraph *, QCPGraph *, QCPGraph *>
estimateWithBand(QCustomPlot *p, const QColor &colour, const QString &name, double reference)
{
    QColor edge = colour, fill = colour;
    edge.setAlpha(90);
    fill.setAlpha(45);
    QCPGraph *lower = line(p, p->yAxis, edge, QObject::tr("lower"), Qt::SolidLine, 1);
    QCPGraph *upper = line(p, p->yAxis, edge, QObject::tr("upper"), Qt::SolidLine, 1);
    upper->setBrush(fill);
    upper->setChannelFillGraph(lower);
    QCPGraph *estimate = line(p, p->yAxis, colour, name);
    estimate->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    auto *noEffect = new QCPItemStraightLine(p);
    noEffect->point1->setCoords(0, reference);
    noEffect->point2->setCoords(1, reference);
    noEffect->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    return {estimate, lower, upper};
}

} // namespace

TrainingDashboard::TrainingDashboard(QWidget *parent)
    : QWidget(parent), m_term(new QComboBox), m_guardNote(new QLabel),
      m_reward(makePlot(tr("Round reward (median, 10-90 % band)"), tr("reward"))),
      m_win(makePlot(tr("Eval win rate vs base (95 % interval)"), tr("win rate"))),
      m_change(makePlot(tr("Eval reward change vs base (paired, 95 % interval; above 0: better)"),
                        tr("tuned - base"))),
      m_loss(makePlot(tr("Loss and implicit accuracy"), tr("loss"))),
      m_guard(makePlot(tr("Guardrails"), tr("Vendi diversity"))),
      m_loudness(makePlot(loudnessPlotTitle(), tr("LUFS")))
{
    setObjectName("trainingDashboard");
    m_term->setObjectName("rewardTerm");
    m_term->setToolTip(tr("A multi-term reward: each term in its own units"));
    m_term->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_term->setMinimumContentsLength(16);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *termRow = new QHBoxLayout;
    termRow->addWidget(new QLabel(tr("Reward shown:")));
    termRow->addWidget(m_term, 1);
    layout->addLayout(termRow);
    for (QCustomPlot *p : {m_reward, m_win, m_change, m_loss})
        layout->addWidget(p, 1);
    // Two lines tall whatever it says, so the plots do not move when the note changes.
    m_guardNote->setObjectName("guardrailNote");
    m_guardNote->setWordWrap(true);
    m_guardNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_guardNote->setFixedHeight(2 * m_guardNote->fontMetrics().lineSpacing() + 4);
    m_guardNote->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    layout->addWidget(m_guardNote);
    layout->addWidget(m_guard, 1);
    layout->addWidget(m_loudness, 1);

    const QColor blue(30, 70, 170), green(20, 130, 60), orange(170, 90, 20), purple(120, 40, 150);
    m_p10 = line(m_reward, m_reward->yAxis, QColor(120, 150, 220, 90), tr("p10"), Qt::SolidLine, 1);
    m_p90 = line(m_reward, m_reward->yAxis, QColor(120, 150, 220, 90), tr("p90"), Qt::SolidLine, 1);
    m_p90->setBrush(QColor(120, 150, 220, 50));
    m_p90->setChannelFillGraph(m_p10);
    m_median = line(m_reward, m_reward->yAxis, blue, tr("median"));
    m_median->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));

    std::tie(m_winRate, m_winLower, m_winUpper) =
        estimateWithBand(m_win, green, tr("win rate"), 0.5);
    // A little room beyond 0 and 1, so a win rate (or a bound) of exactly 0 or 1 shows its whole
    // marker instead of half of it cut by the frame.
    m_win->yAxis->setRange(-0.05, 1.05);
    std::tie(m_delta, m_deltaLower, m_deltaUpper) =
        estimateWithBand(m_change, blue, tr("paired change"), 0.0);

    m_loss->yAxis2->setVisible(true);
    m_loss->yAxis2->setLabel(tr("implicit accuracy"));
    m_loss->yAxis2->setRange(0, 1);
    m_lossLine = line(m_loss, m_loss->yAxis, blue, tr("loss"));
    m_accuracy = line(m_loss, m_loss->yAxis2, orange, tr("implicit accuracy"));
    legendBelow(m_loss);

    m_guard->yAxis2->setVisible(true);
    m_guard->yAxis2->setLabel(tr("CLAP adherence"));
    m_vendi = line(m_guard, m_guard->yAxis, orange, tr("Vendi (tuned)"));
    m_vendi->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_vendiBase = line(m_guard, m_guard->yAxis, orange, tr("Vendi (base)"), Qt::DashLine, 1);
    m_clap = line(m_guard, m_guard->yAxis2, purple, tr("CLAP (tuned)"));
    m_clap->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_clapBase = line(m_guard, m_guard->yAxis2, purple, tr("CLAP (base)"), Qt::DashLine, 1);
    // A fall is ringed in red on the line that fell, so it shows where it happened.
    const QColor fallRed(200, 30, 30);
    for (QCPGraph **fell : {&m_vendiFell, &m_clapFell}) {
        *fell = line(m_guard, fell == &m_vendiFell ? m_guard->yAxis : m_guard->yAxis2, fallRed,
                     tr("fell below its floor"));
        (*fell)->setLineStyle(QCPGraph::lsNone);
        (*fell)->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(fallRed, 2), Qt::NoBrush, 12));
    }
    m_clapFell->removeFromLegend(); // one entry says what a ring means
    legendBelow(m_guard);
    const QColor teal(20, 120, 130);
    m_lufs = line(m_loudness, m_loudness->yAxis, teal, tr("tuned"));
    m_lufs->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_lufsBase = line(m_loudness, m_loudness->yAxis, teal, tr("base"), Qt::DashLine, 1);
    legendBelow(m_loudness);
    // The band's edges are not legend entries.
    for (QCPGraph *g : {m_p10, m_p90, m_winLower, m_winUpper, m_deltaLower, m_deltaUpper})
        g->removeFromLegend();

    connect(m_term, &QComboBox::currentIndexChanged, this, [this] {
        redrawReward();
        redrawChange();
    });
    clear(1);
}

QVector<QPair<QCustomPlot *, QString>> TrainingDashboard::plots() const
{
    return {{m_reward, "reward"},    {m_win, "win-rate"},      {m_loss, "loss"},
            {m_guard, "guardrails"}, {m_loudness, "loudness"}, {m_change, "reward-change"}};
}

void TrainingDashboard::clear(int totalRounds)
{
    m_rounds.clear();
    m_evals.clear();
    for (const auto &[p, name] : plots()) {
        for (int g = 0; g < p->graphCount(); ++g)
            p->graph(g)->data()->clear();
    }
    {
        const QSignalBlocker block(m_term);
        m_term->clear();
        m_term->addItem(tr("The reward"));
    }
    m_term->setEnabled(false);
    m_guardFellAt.clear();
    m_guardNote->setStyleSheet(QString());
    m_guardNote->setText(
        tr("Guardrails: checked at each evaluation. A fall (Vendi below %1 % or CLAP below %2 % "
           "of the base model's) means the win rate may be reward hacking.")
            .arg(qRound(100 * dragon::GuardrailCheck::kVendiFloor))
            .arg(qRound(100 * dragon::GuardrailCheck::kClapFloor)));
    m_guardNote->setToolTip(m_guardNote->text());
    loudnessTitle()->setText(loudnessPlotTitle());
    loudnessTitle()->setTextColor(Qt::black);
    m_loudness->yAxis->setRange(-30, -10);
    // Until the first point, ranges of the kind each plot will show (QCustomPlot's 0..5 is
    // none of them): rewards and losses near 0..1, Vendi up to a batch's worth of distinct
    // clips, CLAP adherence a cosine similarity.
    m_reward->yAxis->setRange(0, 1);
    m_change->yAxis->setRange(-1, 1);
    m_change->yAxis->setLabel(tr("tuned - base"));
    m_loss->yAxis->setRange(0, 1);
    m_guard->yAxis->setRange(0, 10);
    m_guard->yAxis2->setRange(0, 0.5);
    setTotalRounds(totalRounds);
}

void TrainingDashboard::setTotalRounds(int totalRounds)
{
    m_totalRounds = std::max(1, totalRounds);
    for (const auto &[p, name] : plots()) {
        fitX(p);
        p->replot(QCustomPlot::rpQueuedReplot);
    }
}

void TrainingDashboard::fitX(QCustomPlot *plot) const
{
    // Half a round of room at both ends: round 0's evaluation (the base against itself) and the
    // last round show whole markers.
    plot->xAxis->setRange(-0.5, m_totalRounds + 0.5);
}

void TrainingDashboard::fitY(QCustomPlot *plot, bool rightAxis)
{
    // The range of every visible graph on that axis, padded by a tenth (a single value or a
    // flat line gets a range around it), so no line leaves the plot.
    double lo = INFINITY, hi = -INFINITY;
    QCPAxis *axis = rightAxis ? plot->yAxis2 : plot->yAxis;
    for (int g = 0; g < plot->graphCount(); ++g) {
        QCPGraph *graph = plot->graph(g);
        if (graph->valueAxis() != axis || graph->data()->isEmpty())
            continue;
        bool found = false;
        const QCPRange r = graph->getValueRange(found);
        if (found) {
            lo = std::min(lo, r.lower);
            hi = std::max(hi, r.upper);
        }
    }
    if (!std::isfinite(lo))
        return;
    const double pad = hi > lo ? 0.1 * (hi - lo) : std::max(0.05, 0.1 * std::abs(hi));
    axis->setRange(lo - pad, hi + pad);
}

void TrainingDashboard::addRound(const dragon::RoundStats &s)
{
    m_rounds << s;
    if (m_term->count() == 1 && !s.terms.empty()) {
        const QSignalBlocker block(m_term);
        for (const auto &t : s.terms)
            m_term->addItem(QString::fromStdString(t.name));
        m_term->setEnabled(true);
    }
    m_lossLine->addData(s.round, s.loss.loss);
    m_accuracy->addData(s.round, s.loss.implicitAccuracy);
    fitY(m_loss);
    m_loss->replot(QCustomPlot::rpQueuedReplot);
    redrawReward();
}

void TrainingDashboard::redrawReward()
{
    const int term = m_term->currentIndex() - 1; // -1: the reward itself
    for (QCPGraph *g : {m_p10, m_p90, m_median})
        g->data()->clear();
    for (const auto &s : m_rounds) {
        if (term >= 0 && term < int(s.terms.size())) {
            const auto &t = s.terms[std::size_t(term)];
            m_p10->addData(s.round, t.p10);
            m_p90->addData(s.round, t.p90);
            m_median->addData(s.round, t.p50);
        } else if (term < 0) {
            m_p10->addData(s.round, s.rewardP10);
            m_p90->addData(s.round, s.rewardP90);
            m_median->addData(s.round, s.rewardP50);
        }
    }
    m_reward->yAxis->setLabel(term >= 0 ? m_term->currentText() : tr("reward"));
    fitY(m_reward);
    m_reward->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingDashboard::redrawChange()
{
    const int term = m_term->currentIndex() - 1; // -1: the reward itself
    for (QCPGraph *g : {m_delta, m_deltaLower, m_deltaUpper})
        g->data()->clear();
    for (const dragon::EvalStats &e : m_evals) {
        if (term < 0) {
            m_delta->addData(e.round, e.deltaMean);
            m_deltaLower->addData(e.round, e.deltaLower);
            m_deltaUpper->addData(e.round, e.deltaUpper);
        } else if (term < int(e.terms.size())) {
            const dragon::TermEval &t = e.terms[std::size_t(term)];
            m_delta->addData(e.round, t.delta);
            m_deltaLower->addData(e.round, t.deltaLower);
            m_deltaUpper->addData(e.round, t.deltaUpper);
        }
    }
    m_change->yAxis->setLabel(term >= 0 ? m_term->currentText() + tr(": tuned - base")
                                        : tr("tuned - base"));
    if (!m_delta->data()->isEmpty()) {
        fitY(m_change);
        // The 0 line (no change) always in view, with room beyond it.
        const QCPRange r = m_change->yAxis->range();
        const double pad = 0.1 * std::max(r.size(), 1e-9);
        m_change->yAxis->setRange(std::min(r.lower, -pad), std::max(r.upper, pad));
    }
    m_change->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingDashboard::addEval(const dragon::EvalStats &e)
{
    m_winRate->addData(e.round, e.winRate.rate);
    m_winLower->addData(e.round, e.winRate.lower);
    m_winUpper->addData(e.round, e.winRate.upper);
    m_win->replot(QCustomPlot::rpQueuedReplot);
    m_evals << e;
    redrawChange();
    m_vendi->addData(e.round, e.vendiPolicy);
    m_clap->addData(e.round, e.clapPolicy);
    if (dragon::GuardrailCheck::vendiFell(e))
        m_vendiFell->addData(e.round, e.vendiPolicy);
    if (dragon::GuardrailCheck::clapFell(e))
        m_clapFell->addData(e.round, e.clapPolicy);
    for (QCPGraph *g : {m_vendiBase, m_clapBase})
        g->data()->clear();
    m_vendiBase->addData({0.0, double(m_totalRounds)}, {e.vendiBase, e.vendiBase});
    m_clapBase->addData({0.0, double(m_totalRounds)}, {e.clapBase, e.clapBase});
    fitGuardrails(e.vendiBase, e.clapBase);
    m_guard->replot(QCustomPlot::rpQueuedReplot);
    noteGuardrails(e);
    addLoudness(e);
}

void TrainingDashboard::addLoudness(const dragon::EvalStats &e)
{
    if (!e.loudnessMeasured()) // an older run, or a build without a loudness meter
        return;
    m_lufs->addData(e.round, e.lufsPolicy);
    m_lufsBase->data()->clear();
    m_lufsBase->addData({0.0, double(m_totalRounds)}, {e.lufsBase, e.lufsBase});
    // Centred on the base, at least +-2 LU, so a fraction of a decibel does not look like a
    // cliff and the largest move stays inside.
    double moved = 0;
    for (auto it = m_lufs->data()->constBegin(); it != m_lufs->data()->constEnd(); ++it)
        moved = std::max(moved, std::abs(it->value - e.lufsBase));
    const double span = std::max(2.0, 1.15 * moved);
    m_loudness->yAxis->setRange(e.lufsBase - span, e.lufsBase + span);
    const double shift = e.lufsPolicy - e.lufsBase;
    const double shown = std::round(std::abs(shift) * 10) / 10; // judged as printed
    QString title =
        shown == 0 // "0.0 LU quieter" would read as a move
            ? tr("%1: tuned as loud as base at round %2").arg(loudnessPlotTitle()).arg(e.round)
            : tr("%1: tuned %2 LU %3 than base at round %4")
                  .arg(loudnessPlotTitle())
                  .arg(shown, 0, 'f', 1)
                  .arg(shift >= 0 ? tr("louder") : tr("quieter"))
                  .arg(e.round);
    // A move the reward did not ask for: part of the win may be level rather than content.
    const bool unasked = !m_levelIsTarget && shown >= kLevelShiftNoteLu;
    if (unasked)
        title += "\n" + tr("The reward has no loudness term: part of its win may be level, not "
                           "what the music plays.");
    loudnessTitle()->setText(title);
    loudnessTitle()->setTextColor(unasked ? QColor(160, 48, 0) : QColor(Qt::black));
    m_loudness->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingDashboard::setLevelIsTarget(bool target)
{
    m_levelIsTarget = target;
}

QCPTextElement *TrainingDashboard::loudnessTitle() const
{
    return qobject_cast<QCPTextElement *>(m_loudness->plotLayout()->element(0, 0));
}

QString TrainingDashboard::loudnessTitleText() const
{
    return loudnessTitle()->text();
}

void TrainingDashboard::noteGuardrails(const dragon::EvalStats &e)
{
    const QString fell = QString::fromStdString(dragon::GuardrailCheck::fallReason(e));
    if (!fell.isEmpty() && !m_guardFellAt.contains(e.round))
        m_guardFellAt << e.round;
    QString text;
    if (!fell.isEmpty()) {
        text = tr("Guardrail fell at round %1: %2. The win rate may be reward hacking: listen "
                  "to the D+ clips before trusting it.")
                   .arg(e.round)
                   .arg(fell);
        m_guardNote->setStyleSheet("color: #a03000;");
    } else if (!(e.vendiBase > 0) && !(e.clapBase > 0)) {
        text = tr("Guardrails not measured at round %1 (the run has no guardrail encoder).")
                   .arg(e.round);
        m_guardNote->setStyleSheet(QString());
    } else {
        text = tr("Guardrails held at round %1 (Vendi %2 vs base %3, CLAP %4 vs base %5).")
                   .arg(e.round)
                   .arg(e.vendiPolicy, 0, 'f', 2)
                   .arg(e.vendiBase, 0, 'f', 2)
                   .arg(e.clapPolicy, 0, 'f', 3)
                   .arg(e.clapBase, 0, 'f', 3);
        QStringList rounds;
        for (int r : m_guardFellAt)
            if (r < e.round)
                rounds << QString::number(r);
        if (rounds.size() == 1)
            text += " " + tr("They fell at round %1 before.").arg(rounds.front());
        else if (rounds.size() > 1)
            text += " " + tr("They fell at rounds %1 and %2 before.")
                              .arg(rounds.mid(0, rounds.size() - 1).join(", "), rounds.back());
        m_guardNote->setStyleSheet(QString());
    }
    m_guardNote->setText(text);
    m_guardNote->setToolTip(
        fell.isEmpty() ? text
                       : text + "\n" +
                             tr("Vendi diversity falling means fewer kinds of output; CLAP "
                                "adherence falling means the prompts are being given up."));
}

void TrainingDashboard::fitGuardrails(double vendiBase, double clapBase)
{
    // A base near zero has no relative scale: fit that plot's axes each on its own instead.
    if (!(std::abs(vendiBase) > 1e-9) || !(std::abs(clapBase) > 1e-9)) {
        fitY(m_guard);
        fitY(m_guard, true);
        return;
    }
    double moved = 0; // the largest change of either guardrail, as a fraction of its base
    for (const auto &[graph, base] : {std::pair{m_vendi, vendiBase}, std::pair{m_clap, clapBase}})
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            moved = std::max(moved, std::abs(it->value / base - 1.0));
    // At least +-5 %; 30 % beyond the largest move, so a point (and the ring of a fall) is
    // never at the edge.
    const double span = std::max(0.05, 1.3 * moved);
    m_guard->yAxis->setRange(vendiBase - span * std::abs(vendiBase),
                             vendiBase + span * std::abs(vendiBase));
    m_guard->yAxis2->setRange(clapBase - span * std::abs(clapBase),
                              clapBase + span * std::abs(clapBase));
}

int TrainingDashboard::plottedRounds() const
{
    return int(m_rounds.size());
}

int TrainingDashboard::plottedEvaluations() const
{
    return m_winRate->dataCount();
}
